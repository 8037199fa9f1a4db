import { Parser } from 'htmlparser2';

/** Elements that start a line of their own when HTML is read as text. */
const BLOCKS = new Set([
  'p',
  'div',
  'section',
  'article',
  'aside',
  'header',
  'footer',
  'blockquote',
  'pre',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'figure',
  'figcaption',
  'table',
  'tr',
  'details',
  'summary',
  'hr',
]);
/** Elements whose text is never shown. */
const HIDDEN = new Set(['script', 'style', 'template', 'noscript']);

interface Reading {
  /** Characters of text, runs of white space counted as one. */
  length: number;
  /** Of those, the ones inside links. */
  inLinks: number;
  /** The text, with a blank line between blocks (only when asked for). */
  text: string;
}

function read(html: string, wantText: boolean): Reading {
  let length = 0;
  let inLinks = 0;
  let links = 0;
  let hidden = 0;
  let out = '';
  let space = true;
  const breakLine = (blank: boolean) => {
    if (!wantText) return;
    out = out.replace(/[ \t]+$/, '');
    if (out === '') return;
    out += blank
      ? out.endsWith('\n\n')
        ? ''
        : out.endsWith('\n')
          ? '\n'
          : '\n\n'
      : out.endsWith('\n')
        ? ''
        : '\n';
    space = true;
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (HIDDEN.has(name)) hidden++;
        else if (name === 'a') links++;
        else if (name === 'br') breakLine(false);
        else if (BLOCKS.has(name)) breakLine(true);
      },
      onclosetag(name) {
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        else if (name === 'a') links = Math.max(0, links - 1);
        else if (BLOCKS.has(name)) breakLine(true);
      },
      ontext(data) {
        if (hidden > 0) return;
        for (const run of data.split(/(\s+)/)) {
          if (run === '') continue;
          if (/^\s+$/.test(run)) {
            if (!space) {
              length++;
              if (links > 0) inLinks++;
              if (wantText) out += ' ';
              space = true;
            }
            continue;
          }
          length += run.length;
          if (links > 0) inLinks += run.length;
          if (wantText) out += run;
          space = false;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return { length, inLinks, text: out.trim() };
}

/** The length of HTML as text, in characters, white space collapsed. */
export function textLength(html: string): number {
  return read(html, false).length;
}

/** The length of HTML as text, and the share of it inside links (from 0 to 1), in one reading. */
export function measureText(html: string): { length: number; linkShare: number } {
  const { length, inLinks } = read(html, false);
  return { length, linkShare: length === 0 ? 0 : inLinks / length };
}

/** HTML as plain text: blocks apart by a blank line, line breaks kept, white space collapsed. */
export function articleText(html: string): string {
  return read(html, true).text;
}
