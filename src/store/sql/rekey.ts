import { sql, type Kysely } from 'kysely';
import { urlHostKey, urlKey } from '../../model/identity.js';

/** How many entries a pass of the rekeying reads at a time. */
const BATCH = 5000;

/**
 * Brings the stored address keys up to the present normalisation (model/identity.ts), once, when
 * it has learnt more variants: every entry's url_key and host_key from its URL, and every url
 * rule's key from the key itself (a key is an address without its scheme, and normalising it again
 * gives its present form). Only the rows whose key changes are written.
 */
export async function rekeyAddresses(db: Kysely<unknown>): Promise<{ entries: number; rules: number }> {
  let entries = 0;
  for (let after = 0; ;) {
    const rows = await sql<{
      id: number | string;
      url: string | null;
      urlKey: string | null;
      hostKey: string | null;
    }>`
      SELECT id, url, url_key AS "urlKey", host_key AS "hostKey" FROM entries
      WHERE id > ${after} ORDER BY id LIMIT ${BATCH}`.execute(db);
    if (rows.rows.length === 0) break;
    for (const row of rows.rows) {
      const key = urlKey(row.url);
      const host = urlHostKey(row.url);
      if (key !== row.urlKey || host !== row.hostKey) {
        await sql`UPDATE entries SET url_key = ${key}, host_key = ${host} WHERE id = ${row.id}`.execute(db);
        entries++;
      }
    }
    after = Number(rows.rows[rows.rows.length - 1]!.id);
  }
  let rules = 0;
  const ruleRows = await sql<{ id: number | string; urlKey: string }>`
    SELECT id, url_key AS "urlKey" FROM suppression_rules WHERE kind = 'url' AND url_key IS NOT NULL`.execute(
    db,
  );
  for (const row of ruleRows.rows) {
    const key = urlKey(`https://${row.urlKey}`);
    if (key && key !== row.urlKey) {
      await sql`UPDATE suppression_rules SET url_key = ${key} WHERE id = ${row.id}`.execute(db);
      rules++;
    }
  }
  return { entries, rules };
}
