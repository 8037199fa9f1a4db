import type { Kysely, Selectable } from 'kysely';
import type { RuleKind, SuppressionRule } from '../../model/rights.js';
import type { Database, SuppressionRulesTable } from '../schema.js';
import { date, inChunks } from './common.js';

/** What removing an entry needs of it. */
export interface RemovedEntry {
  id: number;
  sourceId: number;
  url: string | null;
  author: string | null;
  canonicalUrl: string | null;
}

export function toRule(row: Selectable<SuppressionRulesTable>): SuppressionRule {
  return {
    id: row.id,
    kind: row.kind as RuleKind,
    urlKey: row.urlKey,
    sourceId: row.sourceId,
    author: row.author,
    domain: row.domain,
    reason: row.reason,
    actor: row.actor,
    createdAt: new Date(Number(row.createdAt)),
    revokedAt: date(row.revokedAt),
    revokeReason: row.revokeReason,
    requestId: row.requestId,
  };
}

/**
 * The active rules that could cover entries of these sources, at these address keys, or on these
 * hosts and their parent domains (model/rights.ts ruleMatches decides), by id, in a few indexed
 * queries. The lists go a chunk at a time, so that any number of them stays within the engines'
 * limits on bound parameters (SQLite's 32,766; a 100,000-item feed's keys in one list never ran).
 */
export async function activeRules(
  db: Kysely<Database>,
  near: { sourceIds?: readonly number[]; urlKeys?: readonly string[]; domains?: readonly string[] },
): Promise<SuppressionRule[]> {
  const sources = inChunks(near.sourceIds ?? []);
  const keys = inChunks(near.urlKeys ?? []);
  const domains = inChunks(near.domains ?? []);
  const found = new Map<number, SuppressionRule>();
  for (let i = 0; i < Math.max(sources.length, keys.length, domains.length); i++) {
    const someSources = sources[i] ?? [];
    const someKeys = keys[i] ?? [];
    const someDomains = domains[i] ?? [];
    const rows = await db
      .selectFrom('suppressionRules')
      .selectAll()
      .where('revokedAt', 'is', null)
      .where((eb) =>
        eb.or([
          ...(someSources.length ? [eb('sourceId', 'in', someSources)] : []),
          ...(someKeys.length ? [eb('urlKey', 'in', someKeys)] : []),
          ...(someDomains.length ? [eb('domain', 'in', someDomains)] : []),
        ]),
      )
      .execute();
    for (const row of rows) found.set(row.id, toRule(row));
  }
  return [...found.values()].sort((a, b) => a.id - b.id);
}
