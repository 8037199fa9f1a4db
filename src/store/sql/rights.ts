import type { Kysely } from 'kysely';
import {
  coveringDomains,
  describeRule,
  removesSource,
  ruleMatches,
  siteHost,
  type AuditRecord,
  type NewRule,
  type SuppressionRule,
  type Tombstone,
} from '../../model/rights.js';
import type { Entry } from '../../model/entry.js';
import type { Fingerprint } from '../../model/fingerprint.js';
import { ALL_PAGES, sourceTag } from '../../model/page-tags.js';
import { purgeMedia } from './media.js';
import { INSERT_BATCH, recordPageChange, tagsOfEntries, toEntry, updateSource } from './common.js';
import type { Source } from '../../model/source.js';
import type { Database } from '../schema.js';
import type { GrantOptions, Granted, RightsRepository, RuleRecord } from '../store.js';
import { toRule, type RemovedEntry } from './rule-rows.js';
import { keepRemovedTexts, removedPrints, storedCopies, textsCoveredBy } from './prints.js';
import { borrowedTexts } from './stories.js';

export class SqlRights implements RightsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  grant(rule: NewRule, now: Date, options: GrantOptions = {}): Promise<Granted> {
    return this.db.transaction().execute((trx) => grantRule(trx, rule, now, options));
  }

  revoke(id: number, reason: string, actor: string, now: Date): Promise<SuppressionRule | null> {
    return this.db.transaction().execute((trx) => revokeRule(trx, id, reason, actor, now));
  }

  async preview(
    rules: readonly NewRule[],
    limit: number,
    options: { copies?: boolean } = {},
  ): Promise<{ count: number; copies: number; entries: Entry[] }> {
    const covered = new Map<number, RemovedEntry>();
    const known: Array<{ entry: RemovedEntry; print: Fingerprint }> = [];
    for (const rule of rules) {
      const probe: SuppressionRule = {
        ...rule,
        id: 0,
        requestId: null,
        createdAt: new Date(0),
        revokedAt: null,
        revokeReason: null,
      };
      for (const e of await candidates(this.db, probe)) if (ruleMatches(probe, e)) covered.set(e.id, e);
      if (options.copies !== false)
        for (const text of await textsCoveredBy(this.db, probe))
          known.push({ entry: text, print: text.print });
    }
    // And the copies of their texts stored elsewhere, which the grant removes with them.
    const copies =
      options.copies === false
        ? []
        : await storedCopies(
            this.db,
            [...(await removedPrints(this.db, [...covered.values()])), ...known],
            new Set(covered.keys()),
          );
    const all = [...covered.keys(), ...copies.map((e) => e.id)];
    const shown = all.sort((a, b) => b - a).slice(0, limit);
    const rows = shown.length
      ? await this.db
          .selectFrom('entries')
          .selectAll()
          .where('id', 'in', shown)
          .orderBy('sortAt', 'desc')
          .execute()
      : [];
    return { count: all.length, copies: copies.length, entries: rows.map(toEntry) };
  }

  async sourceRule(source: Pick<Source, 'id' | 'siteUrl' | 'feedUrl'>): Promise<SuppressionRule | null> {
    // The rules that may say so, by index; removesSource decides.
    const domains = coveringDomains(siteHost(source));
    const rows = await this.db
      .selectFrom('suppressionRules')
      .selectAll()
      .where('revokedAt', 'is', null)
      .where((eb) =>
        eb.or([
          eb.and([eb('kind', '=', 'source'), eb('sourceId', '=', source.id)]),
          ...(domains.length ? [eb.and([eb('kind', '=', 'domain'), eb('domain', 'in', domains)])] : []),
        ]),
      )
      .orderBy('id')
      .execute();
    return rows.map(toRule).find((rule) => removesSource(rule, source)) ?? null;
  }

  async getRule(id: number): Promise<SuppressionRule | null> {
    const row = await this.db
      .selectFrom('suppressionRules')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRule(row) : null;
  }

  async listRules(options: { includeRevoked?: boolean } = {}): Promise<RuleRecord[]> {
    let q = this.db
      .selectFrom('suppressionRules')
      .selectAll('suppressionRules')
      .select((eb) =>
        eb
          .selectFrom('tombstones')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('tombstones.ruleId', '=', 'suppressionRules.id')
          .as('removed'),
      )
      .select((eb) =>
        eb
          .selectFrom('keptOut')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('keptOut.ruleId', '=', 'suppressionRules.id')
          .as('keptOut'),
      );
    if (!options.includeRevoked) q = q.where('revokedAt', 'is', null);
    const rows = await q.orderBy('id', 'desc').execute();
    return rows.map((row) => ({
      ...toRule(row),
      removed: Number(row.removed ?? 0),
      keptOut: Number(row.keptOut ?? 0),
    }));
  }

  async tombstone(entryId: number): Promise<Tombstone | null> {
    const row = await this.db
      .selectFrom('tombstones')
      .selectAll()
      .where('entryId', '=', entryId)
      .executeTakeFirst();
    return row
      ? {
          entryId: row.entryId,
          sourceId: row.sourceId,
          originalUrl: row.originalUrl,
          ruleId: row.ruleId,
          removedAt: new Date(Number(row.removedAt)),
        }
      : null;
  }

  record(actor: string, action: string, detail: string, now: Date): Promise<void> {
    return appendAudit(this.db, actor, action, detail, now);
  }

  async auditLog(limit: number): Promise<AuditRecord[]> {
    const rows = await this.db
      .selectFrom('auditLog')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      at: new Date(Number(r.at)),
      actor: r.actor,
      action: r.action,
      detail: r.detail,
    }));
  }
}

/** The entries a rule might cover, found by index (their address, or their page's canonical one); ruleMatches decides. */
async function candidates(db: Kysely<Database>, rule: SuppressionRule): Promise<RemovedEntry[]> {
  const q = db.selectFrom('entries').select(['id', 'sourceId', 'url', 'author', 'canonicalUrl']);
  // (Its texts' copies elsewhere are found by their fingerprints: sql/prints.ts.)
  if (rule.kind === 'url') {
    const key = rule.urlKey;
    return key
      ? q.where((eb) => eb.or([eb('urlKey', '=', key), eb('canonicalKey', '=', key)])).execute()
      : [];
  }
  const domain = rule.domain;
  return q
    .where((eb) =>
      eb.or([
        ...(rule.sourceId !== null ? [eb('sourceId', '=', rule.sourceId)] : []),
        ...(domain
          ? [
              eb('hostKey', '=', domain),
              eb('hostKey', 'like', `%.${domain}`),
              eb('canonicalKey', 'like', `${domain}/%`),
              eb('canonicalKey', 'like', `%.${domain}/%`),
            ]
          : []),
      ]),
    )
    .execute();
}

/**
 * Removes entries under a rule inside the caller's transaction: each leaves a tombstone (its
 * address keeps answering 410), its images are purged, and the pages that showed it change.
 */
export async function removeEntries(
  trx: Kysely<Database>,
  covered: readonly RemovedEntry[],
  ruleId: number,
  now: Date,
): Promise<void> {
  if (covered.length === 0) return;
  // The pages that showed them, for every web process's cache (read before the rows go).
  await recordPageChange(trx, await tagsOfEntries(trx, covered), now);
  for (let i = 0; i < covered.length; i += INSERT_BATCH) {
    const batch = covered.slice(i, i + INSERT_BATCH);
    await trx
      .insertInto('tombstones')
      .values(
        batch.map((e) => ({
          entryId: e.id,
          sourceId: e.sourceId,
          originalUrl: e.url,
          ruleId,
          removedAt: now.getTime(),
        })),
      )
      .execute();
    // Their images are served no more, and their files go at the media worker's next pass.
    await purgeMedia(
      trx,
      batch.map((e) => e.id),
    );
    await trx
      .deleteFrom('entries')
      .where(
        'id',
        'in',
        batch.map((e) => e.id),
      )
      .execute();
  }
}

export async function appendAudit(
  db: Kysely<Database>,
  actor: string,
  action: string,
  detail: string,
  now: Date,
): Promise<void> {
  await db.insertInto('auditLog').values({ at: now.getTime(), actor, action, detail }).execute();
}

/**
 * Grants a rule inside the caller's transaction: the rule is recorded, every entry it covers is
 * deleted and leaves a tombstone, and so is every stored copy of their texts (by fingerprint,
 * under any address, byline or source), whose fingerprints are kept to keep later copies out; a
 * whole source may be paused or set to link-only, and the audit log says so.
 */
export async function grantRule(
  trx: Kysely<Database>,
  rule: NewRule,
  now: Date,
  options: GrantOptions = {},
): Promise<Granted> {
  const row = await trx
    .insertInto('suppressionRules')
    .values({
      ...rule,
      requestId: rule.requestId ?? null,
      createdAt: now.getTime(),
      revokedAt: null,
      revokeReason: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const granted = toRule(row);
  const matched = (await candidates(trx, granted)).filter((e) => ruleMatches(granted, e));
  // A copy of another publisher's text (a later copy in its story) goes alone: the story stays for
  // the others, and the text is not the removed publisher's to keep out.
  const borrowed = await borrowedTexts(
    trx,
    matched.map((e) => e.id),
  );
  const prints = await removedPrints(
    trx,
    matched.filter((e) => !borrowed.has(e.id)),
  );
  // The texts earlier rules removed that this one covers too: their copies go as well.
  const known = (await textsCoveredBy(trx, granted)).map((text) => ({ entry: text, print: text.print }));
  const copies = await storedCopies(trx, [...prints, ...known], new Set(matched.map((e) => e.id)));
  const covered = [...matched, ...copies];
  await removeEntries(trx, covered, granted.id, now);
  await keepRemovedTexts(trx, granted.id, prints);
  // A source-wide rule changes the source's own page (it answers 410 from now on), however few its articles.
  if (granted.kind === 'source' && granted.sourceId !== null) {
    await recordPageChange(trx, [sourceTag(granted.sourceId)], now);
  }
  const sourceAction = granted.sourceId !== null ? options.source : undefined;
  if (sourceAction === 'link-only' && granted.sourceId !== null) {
    await recordPageChange(trx, [ALL_PAGES], now);
  }
  if (granted.sourceId !== null && sourceAction) {
    await updateSource(
      trx,
      granted.sourceId,
      sourceAction === 'pause' ? { status: 'paused' } : { policy: 'link' },
    );
  }
  const then =
    sourceAction === 'pause'
      ? '; source paused'
      : sourceAction === 'link-only'
        ? '; source set to link-only'
        : '';
  await appendAudit(
    trx,
    rule.actor,
    'rule.granted',
    `rule ${granted.id}: ${describeRule(granted)}; ${covered.length} entries removed` +
      (copies.length
        ? ` (${copies.length} of them copies of a removed text: ${copies.map((e) => e.id).join(', ')})`
        : '') +
      (prints.length ? `; the fingerprints of ${prints.length} removed text(s) kept, against copies` : '') +
      (borrowed.size
        ? `; ${borrowed.size} of them copies of another publisher's text, whose story stays`
        : '') +
      `${then}; reason: ${rule.reason}`,
    now,
  );
  return { rule: granted, removed: covered.length, copies: copies.length };
}

/** Revokes an active rule inside the caller's transaction; null when it was not active. */
export async function revokeRule(
  trx: Kysely<Database>,
  id: number,
  reason: string,
  actor: string,
  now: Date,
): Promise<SuppressionRule | null> {
  const result = await trx
    .updateTable('suppressionRules')
    .set({ revokedAt: now.getTime(), revokeReason: reason })
    .where('id', '=', id)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return null;
  const row = await trx
    .selectFrom('suppressionRules')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const rule = toRule(row);
  // A source's page answered 410 under the rule: it shows the source again.
  if (rule.kind === 'source' && rule.sourceId !== null)
    await recordPageChange(trx, [sourceTag(rule.sourceId)], now);
  if (rule.kind === 'domain') await recordPageChange(trx, [ALL_PAGES], now);
  await appendAudit(trx, actor, 'rule.revoked', `rule ${id}: ${describeRule(rule)}; reason: ${reason}`, now);
  return rule;
}
