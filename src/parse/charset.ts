/**
 * Turns a feed's bytes into text. Precedence follows RFC 7303 §8.1 (XML media types), which browsers
 * and feedparser apply too: a byte order mark, then the charset of the HTTP Content-Type, then the
 * XML declaration's encoding (or, for HTML, a <meta charset>), then UTF-8. TextDecoder (WHATWG
 * Encoding) knows every label real feeds use: ISO-8859-x, windows-125x, KOI8-R, Shift_JIS, EUC-JP,
 * GBK/GB18030, Big5 and UTF-16.
 */

export interface DecodedText {
  text: string;
  /** The encoding actually used, as TextDecoder names it. */
  encoding: string;
  warnings: string[];
}

export function decodeBody(bytes: Uint8Array, contentType: string | null): DecodedText {
  const warnings: string[] = [];
  const bom = fromBom(bytes);
  if (bom) return { text: decoder(bom).decode(bytes), encoding: bom, warnings };

  const headerLabel = contentType ? charsetParam(contentType) : null;
  const docLabel = declaredInDocument(bytes);
  const label = headerLabel ?? docLabel ?? utf16WithoutBom(bytes) ?? 'utf-8';
  let encoding = normalizeLabel(label);
  if (encoding === null) {
    warnings.push(`unknown character encoding "${label}"; read as UTF-8`);
    encoding = 'utf-8';
  }
  if (headerLabel && docLabel && normalizeLabel(docLabel) !== encoding) {
    warnings.push(`the HTTP header says ${headerLabel} and the document says ${docLabel}; the header wins`);
  }
  // The other common lie: UTF-8 text declared as a single-byte encoding (a template's default).
  // Bytes that are valid UTF-8 and hold multi-byte sequences are hardly ever Latin-1 text.
  if (SINGLE_BYTE.test(encoding) && looksLikeUtf8(bytes)) {
    warnings.push(`the body is declared ${label} but is UTF-8; read as UTF-8`);
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), encoding: 'utf-8', warnings };
  }
  if (encoding === 'utf-8') {
    try {
      return {
        text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes),
        encoding,
        warnings,
      };
    } catch {
      // The commonest lie in the wild: Latin-1 text declared (or defaulted) as UTF-8.
      warnings.push('the body is not valid UTF-8 as declared; read as windows-1252');
      encoding = 'windows-1252';
    }
  }
  const text = decoder(encoding).decode(bytes);
  return { text: encoding === 'windows-1252' ? fixWindows1252(text) : text, encoding, warnings };
}

/**
 * windows-1252 bytes 0x80–0x9F as the WHATWG Encoding standard maps them. Node 20's TextDecoder
 * decodes this label as ISO-8859-1 and leaves these bytes as C1 control characters, so curly quotes,
 * dashes and the euro sign of the commonest legacy encoding would come out as garbage.
 */
const WINDOWS_1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function fixWindows1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]!);
}

/** The single-byte encodings, as TextDecoder names them, that UTF-8 text is mislabelled with. */
const SINGLE_BYTE = /^(?:iso-8859-\d+|windows-125\d|koi8-[ru]|macintosh|ibm866|x-mac-cyrillic)$/;

/** Valid UTF-8 with at least one multi-byte sequence (pure ASCII reads the same either way). */
function looksLikeUtf8(bytes: Uint8Array): boolean {
  if (!bytes.some((b) => b >= 0x80)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function decoder(encoding: string) {
  return new TextDecoder(encoding, { ignoreBOM: false });
}

function fromBom(b: Uint8Array): string | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  return null;
}

/** A document in UTF-16 without a BOM starts with `<` beside a zero byte (XML 1.0 Appendix F). */
function utf16WithoutBom(b: Uint8Array): string | null {
  if (b[0] === 0x3c && b[1] === 0x00 && b[3] === 0x00) return 'utf-16le';
  if (b[0] === 0x00 && b[1] === 0x3c && b[2] === 0x00) return 'utf-16be';
  return null;
}

export function charsetParam(contentType: string): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return m ? m[1]! : null;
}

/** The encoding an XML declaration or HTML meta tag names, read from the first 1 KiB as ASCII. */
function declaredInDocument(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const xml = /<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml) return xml[1]!;
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head);
  return meta ? meta[1]! : null;
}

function normalizeLabel(label: string): string | null {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return null;
  }
}
