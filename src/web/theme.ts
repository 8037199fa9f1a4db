import { createHash } from 'node:crypto';
import type { Config } from '../config/index.js';
import type { Logo } from '../config/branding.js';

/**
 * The operator's colours as a stylesheet of their own, served from the site (the CSP allows no
 * inline style): it sets the accent custom properties after site.css. Null when none is configured.
 */
export function themeStylesheet(accent: Config['site']['accent']): { css: string; path: string } | null {
  let theme = made.get(accent);
  if (theme === undefined) made.set(accent, (theme = makeTheme(accent)));
  return theme;
}

/** Each configuration's stylesheet, made once (every page's head names it). */
const made = new WeakMap<Config['site']['accent'], { css: string; path: string } | null>();

function makeTheme(accent: Config['site']['accent']): { css: string; path: string } | null {
  const rules: string[] = [];
  // Each colour in its own scheme: a light accent alone leaves the dark theme's own, which it was
  // checked against, in place (set on :root, it overrode the dark one too and failed its contrast).
  if (accent.light)
    rules.push(`@media (prefers-color-scheme: light) { :root { --accent: ${accent.light}; } }`);
  if (accent.dark) rules.push(`@media (prefers-color-scheme: dark) { :root { --accent: ${accent.dark}; } }`);
  if (rules.length === 0) return null;
  const css = `/* The site's own colours, from its configuration. */\n${rules.join('\n')}\n`;
  return { css, path: `/static/theme.css?v=${digest(css)}` };
}

/** The logo's address: its digest in the query, so that a new logo is fetched at once. */
export function logoPath(logo: Logo): string {
  return `/static/logo.${logo.extension}?v=${logo.version}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}
