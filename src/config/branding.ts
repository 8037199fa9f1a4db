import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { imageSize } from 'image-size';
import { ConfigError } from './errors.js';

/** The site's logo, read once at start: served from the site itself, never from elsewhere. */
export interface Logo {
  file: string;
  /** Its media type, and the extension of the address it is served at. */
  type: string;
  extension: string;
  /** Its intrinsic size, written on the <img> so that the header does not move when it loads. */
  width: number;
  height: number;
  /** Its bytes, as read and checked at start (served as they are). */
  bytes: Uint8Array<ArrayBuffer>;
  /** A digest of its bytes, in its address: it is cached for a year, and a new logo gets a new address. */
  version: string;
}

const LOGO_TYPES: Record<string, { type: string; extension: string }> = {
  svg: { type: 'image/svg+xml', extension: 'svg' },
  png: { type: 'image/png', extension: 'png' },
  webp: { type: 'image/webp', extension: 'webp' },
  jpg: { type: 'image/jpeg', extension: 'jpg' },
};
/** A logo is a small file; anything larger is a mistake (a photograph, a print file). */
const MAX_LOGO_BYTES = 512 * 1024;

/** Reads and checks the logo file: its kind (from its bytes, not its name), its size and its dimensions. */
export function readLogo(file: string): Logo {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ConfigError(
      'config.logo',
      `config: site.logo: cannot read ${file}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (bytes.byteLength > MAX_LOGO_BYTES) {
    throw new ConfigError(
      'config.logo',
      `config: site.logo: ${file} is ${Math.round(bytes.byteLength / 1024)} KB; a logo must be at most 512 KB`,
    );
  }
  let size: { width?: number; height?: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch {
    // An SVG without a size is refused by the reader as if it were no image at all.
    size = /<svg[\s>]/i.test(bytes.subarray(0, 4096).toString('utf8')) ? { type: 'svg' } : {};
  }
  const kind = LOGO_TYPES[size.type === 'jpeg' ? 'jpg' : (size.type ?? '')];
  if (!kind) {
    throw new ConfigError(
      'config.logo',
      `config: site.logo: ${file} is not an SVG, PNG, WebP or JPEG image${extname(file) ? ' (whatever its name says)' : ''}`,
    );
  }
  const width = Math.round(size.width ?? 0);
  const height = Math.round(size.height ?? 0);
  if (!(width > 0 && height > 0)) {
    throw new ConfigError(
      'config.logo',
      `config: site.logo: ${file} does not say how large it is (an SVG needs a viewBox, or a width and a height)`,
    );
  }
  const version = createHash('sha256').update(bytes).digest('base64url').slice(0, 12);
  return { file, ...kind, width, height, version, bytes: new Uint8Array(bytes) };
}

/** The backgrounds that links are shown on, in each theme (the stylesheet's --bg, --card and --note-bg). */
const BACKGROUNDS = {
  light: ['#fbfaf7', '#ffffff', '#f3efe6'],
  dark: ['#16171a', '#1e1f23', '#23252a'],
} as const;
/** WCAG 2.2 AA for body text: links must be as legible as the text around them. */
const MIN_CONTRAST = 4.5;

/**
 * Checks an accent colour against every background of its theme; a colour readers could not read
 * is refused at start with the contrast it has, instead of shipping an inaccessible site.
 */
export function checkAccent(key: string, color: string, theme: 'light' | 'dark'): string {
  const normalized = expandHex(color);
  const problem = accentProblem(normalized, theme);
  if (problem) throw new ConfigError('config.invalid', `config: site.${key} ${color} ${problem}`);
  return normalized;
}

/** The worst contrast of a #rrggbb colour against its theme's backgrounds. */
export function worstContrast(color: string, theme: 'light' | 'dark'): number {
  return Math.min(...BACKGROUNDS[theme].map((bg) => contrast(color, bg)));
}

/** Why readers could not read links of this #rrggbb colour in its theme, or null when they can. */
export function accentProblem(color: string, theme: 'light' | 'dark'): string | null {
  const worst = worstContrast(color, theme);
  if (worst >= MIN_CONTRAST) return null;
  return (
    `has a contrast of ${worst.toFixed(1)}:1 against the ${theme} theme's backgrounds; ` +
    `links need at least ${MIN_CONTRAST}:1 (choose a ${theme === 'light' ? 'darker' : 'lighter'} colour)`
  );
}

/** #rgb as #rrggbb, lower-case. */
export function expandHex(color: string): string {
  const hex = color.slice(1).toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

/** WCAG's contrast ratio of two #rrggbb colours, from 1 to 21. */
export function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(color: string): number {
  const channel = (offset: number) => {
    const c = Number.parseInt(color.slice(offset, offset + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}
