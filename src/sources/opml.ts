import { decodeHTMLStrict, escapeUTF8 } from 'entities';
import { Parser } from 'htmlparser2';
import { CourtesyError } from '../model/errors.js';
import { sourceDisplayName, type Source } from '../model/source.js';

/** A file that is not OPML a subscription list can be read from. */
export class OpmlError extends CourtesyError<'opml.invalid'> {}

export interface OpmlOutline {
  feedUrl: string;
  title: string | null;
  siteUrl: string | null;
  /** The titles of the enclosing outlines (folders), outermost first. */
  categories: string[];
}

/**
 * The feed subscriptions in an OPML document (OPML 1.0 and 2.0, http://opml.org/spec2.opml):
 * every <outline> with an xmlUrl, at any depth. Lenient like the feed parser.
 */
export function parseOpml(text: string): OpmlOutline[] {
  const outlines: OpmlOutline[] = [];
  const folders: Array<string | null> = [];
  let sawOpml = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const tag = name.toLowerCase();
        if (tag === 'opml') sawOpml = true;
        if (tag !== 'outline') return;
        const attr = (key: string): string | null => {
          const found = Object.entries(attrs).find(([k]) => k.toLowerCase() === key);
          const value = found ? decodeHTMLStrict(found[1]).trim() : '';
          return value === '' ? null : value;
        };
        const xmlUrl = attr('xmlurl');
        const title = attr('title') ?? attr('text');
        if (xmlUrl) {
          outlines.push({
            feedUrl: xmlUrl,
            title,
            siteUrl: attr('htmlurl'),
            categories: folders.filter((f): f is string => f !== null),
          });
        }
        folders.push(xmlUrl ? null : title);
      },
      onclosetag(name) {
        if (name.toLowerCase() === 'outline') folders.pop();
      },
    },
    { xmlMode: true, decodeEntities: false },
  );
  parser.end(text);
  if (!sawOpml)
    throw new OpmlError('opml.invalid', 'opml: the file is not an OPML document (no <opml> element)');
  return outlines;
}

/** Every source as an OPML 2.0 document. */
export function renderOpml(sources: readonly Source[], title: string, now: Date): string {
  const lines = sources.map((s) => {
    const attrs = [
      ['type', 'rss'],
      ['text', sourceDisplayName(s)],
      ['title', sourceDisplayName(s)],
      ['xmlUrl', s.feedUrl],
      ...(s.siteUrl ? [['htmlUrl', s.siteUrl]] : []),
    ];
    return `    <outline ${attrs.map(([k, v]) => `${k}="${escapeUTF8(v!)}"`).join(' ')}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${escapeUTF8(title)}</title>`,
    `    <dateCreated>${now.toUTCString()}</dateCreated>`,
    '  </head>',
    '  <body>',
    ...lines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
