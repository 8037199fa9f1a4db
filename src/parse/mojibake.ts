/**
 * Text encoded as UTF-8 twice: a publishing system took UTF-8 bytes for Latin-1 or windows-1252 and
 * encoded them again, so "Fórmula" reads "FÃ³rmula" and "it’s" reads "itâ€™s". Python's feedparser
 * repairs the Latin-1 case; courtesy repairs both, under strict conditions, so that text that
 * merely contains such letters is left alone.
 */

/** windows-1252's characters for the bytes 0x80–0x9F (the others are Latin-1's own). */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const BYTE_OF = new Map<string, number>([...WINDOWS_1252_HIGH].map((c, i) => [c, 0x80 + i]));

/**
 * A UTF-8 lead byte read as a character (Â–ô), then one to three continuation bytes read as
 * characters (Latin-1's 0x80–0xBF, or windows-1252's characters for 0x80–0x9F).
 */
const CONTINUATION = '[\\u0080-\\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]';
const DOUBLE_ENCODED = new RegExp(`[\\u00c2-\\u00f4]${CONTINUATION}`);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text as it was meant to read, when every character of it is one byte of Latin-1 or
 * windows-1252, those bytes are valid UTF-8, and at least one multi-byte sequence is among them;
 * otherwise null (the text is left as it is).
 */
export function repairDoubleEncoding(text: string): string | null {
  if (!DOUBLE_ENCODED.test(text)) return null;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const byte = code <= 0xff ? code : BYTE_OF.get(text[i]!);
    if (byte === undefined) return null;
    bytes[i] = byte;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}
