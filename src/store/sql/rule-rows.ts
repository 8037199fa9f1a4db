import type { Selectable } from 'kysely';
import type { RuleKind, SuppressionRule } from '../../model/rights.js';
import type { SuppressionRulesTable } from '../schema.js';
import { date } from './common.js';

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
