import type { Kysely } from 'kysely';
import { ALL_PAGES } from '../../model/page-tags.js';
import { recordPageChange } from './common.js';
import { appendAudit } from './rights.js';
import type { Database } from '../schema.js';
import type { SettingsRepository } from '../store.js';

export class SqlSettings implements SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async all(): Promise<Record<string, string>> {
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).execute();
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async save(changes: Readonly<Record<string, string | null>>, actor: string, now: Date): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const before = Object.fromEntries(
        (await trx.selectFrom('settings').select(['key', 'value']).execute()).map((r) => [r.key, r.value]),
      );
      const changed = Object.entries(changes).filter(([key, value]) => (before[key] ?? null) !== value);
      if (changed.length === 0) return [];
      for (const [key, value] of changed) {
        if (value === null) await trx.deleteFrom('settings').where('key', '=', key).execute();
        else
          await trx
            .insertInto('settings')
            .values({ key, value })
            .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
            .execute();
      }
      const keys = changed.map(([key]) => key);
      await appendAudit(trx, actor, 'change-settings', keys.join(', '), now);
      // The name, the colours and the menu are on every page.
      await recordPageChange(trx, [ALL_PAGES], now);
      return keys;
    });
  }
}
