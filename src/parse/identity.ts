import { createHash } from 'node:crypto';

/** The raw facts an entry's identity is chosen from. */
export interface IdentityFacts {
  guid: string | null;
  link: string | null;
  title: string | null;
  published: string | null;
  content: string | null;
  summary: string | null;
  enclosures: ReadonlyArray<{ url: string }>;
}

/**
 * Chooses each entry's stable id within one feed document. Rules, in order:
 * 1. The guid/id the publisher gives, trimmed, when it is unique in the document.
 * 2. Otherwise the entry's absolute link, when that is unique in the document. (Some CMSs give every
 *    item the same guid; using the link for all of them keeps each id the same from poll to poll,
 *    whatever order the items come in.)
 * 3. Otherwise "sha256:" and a digest of title, date, content (the summary when there is none),
 *    link and enclosures.
 * An entry whose id is still taken by an earlier entry in the same document (the same guid, link, title,
 * date and content) is a true repeat and is dropped.
 * Across polls, ingest also matches a stored entry by link, so a publisher that changes its guid format
 * updates the entry instead of adding it twice.
 */
export function assignIds(entries: IdentityFacts[]): Array<string | null> {
  const guidCount = countBy(entries.map((e) => e.guid));
  const linkCount = countBy(entries.map((e) => e.link));
  const seen = new Set<string>();
  return entries.map((e) => {
    let id: string;
    if (e.guid && guidCount.get(e.guid) === 1) id = e.guid;
    else if (e.link && linkCount.get(e.link) === 1) id = e.link;
    else id = `sha256:${digest(e)}`;
    if (seen.has(id)) return null;
    seen.add(id);
    return id;
  });
}

function countBy(values: Array<string | null>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function digest(e: IdentityFacts): string {
  // Items of old feeds often carry nothing but a description, or an enclosure: those tell them
  // apart. (An entry with content and no enclosure keeps the digest it always had.)
  const media = e.enclosures.length > 0 ? `\u0000${e.enclosures.map((m) => m.url).join(' ')}` : '';
  return createHash('sha256')
    .update(
      `${e.title ?? ''}\u0000${e.published ?? ''}\u0000${e.content ?? e.summary ?? ''}\u0000${e.link ?? ''}${media}`,
    )
    .digest('hex')
    .slice(0, 32);
}
