import type { Kysely } from 'kysely';
import { LISTING, type PageTag } from '../../model/page-tags.js';
import { describeMatch } from '../../model/story.js';
import { StoreError } from '../errors.js';
import type { Database } from '../schema.js';
import type { StoryCopy, StoryRepository, StorySummary } from '../stories.js';
import { inChunks, recordPageChange, tagsOfEntries, toEntry } from './common.js';
import type { SqlEngine } from './engine.js';
import { appendAudit } from './rights.js';

/** Stories as the site and the operator see them: the copies of one, and splitting and merging by hand. */
export class SqlStories implements StoryRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: SqlEngine,
  ) {}

  async copies(entryId: number, options: { includeWithheld?: boolean } = {}): Promise<StoryCopy[]> {
    const own = await this.engine.reader
      .selectFrom('entries')
      .select(['story'])
      .where('id', '=', entryId)
      .executeTakeFirst();
    if (!own) return [];
    let q = this.engine.reader.selectFrom('entries').selectAll();
    q = own.story === null ? q.where('id', '=', entryId) : q.where('story', '=', own.story);
    if (!options.includeWithheld) q = q.where('withheld', 'is', null);
    const rows = await q.orderBy('sortAt').orderBy('id').execute();
    return rows.map((row) => ({ entry: toEntry(row), note: row.storyNote }));
  }

  async carriers(stories: readonly number[]): Promise<Map<number, number[]>> {
    const found = new Map<number, number[]>();
    for (const chunk of inChunks(stories)) {
      const rows = await this.engine.reader
        .selectFrom('entries')
        .select(['story', 'sourceId'])
        .where('story', 'in', chunk)
        .where('withheld', 'is', null)
        .orderBy('story')
        .orderBy('sortAt')
        .orderBy('id')
        .execute();
      for (const { story, sourceId } of rows) {
        const sources = found.get(Number(story)) ?? [];
        if (!sources.includes(Number(sourceId))) sources.push(Number(sourceId));
        found.set(Number(story), sources);
      }
    }
    return found;
  }

  async members(story: number): Promise<StoryCopy[]> {
    const rows = await this.engine.reader
      .selectFrom('entries')
      .selectAll()
      .where('story', '=', story)
      .orderBy('sortAt')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ entry: toEntry(row), note: row.storyNote }));
  }

  async recent({ limit, before }: { limit: number; before?: number }): Promise<StorySummary[]> {
    // Down the partial index of stories (story, sort_at, id), newest story first: a page reads its own rows.
    let q = this.engine.reader
      .selectFrom('entries')
      .select('story')
      .where('story', 'is not', null)
      .groupBy('story')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .orderBy('story', 'desc')
      .limit(limit);
    if (before !== undefined) q = q.where('story', '<', before);
    const stories = (await q.execute()).map((r) => Number(r.story));
    if (stories.length === 0) return [];
    const rows = await this.engine.reader
      .selectFrom('entries')
      .selectAll()
      .where('story', 'in', stories)
      .orderBy('sortAt')
      .orderBy('id')
      .execute();
    const copies = new Map<number, StoryCopy[]>(stories.map((s) => [s, []]));
    for (const row of rows) copies.get(Number(row.story))?.push({ entry: toEntry(row), note: row.storyNote });
    return stories.map((story) => ({ story, copies: copies.get(story) ?? [] }));
  }

  split(entryId: number, actor: string, now: Date): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('entries')
        .select(['id', 'sourceId', 'story', 'title'])
        .where('id', '=', entryId)
        .executeTakeFirst();
      if (!row) throw new StoreError('store.not-found', `there is no entry ${entryId}`);
      if (row.story === null) return false;
      // Its story's pages (and its own) change before it leaves: they named it.
      const tags = await tagsOfEntries(trx, [row]);
      await trx
        .updateTable('entries')
        .set({ story: null, storyNote: `split off by ${actor}` })
        .where('id', '=', entryId)
        .execute();
      await appendAudit(
        trx,
        actor,
        'split-story',
        `entry ${entryId} (source ${row.sourceId}) out of story ${row.story}: ${row.title ?? '(untitled)'}`,
        now,
      );
      await recordPageChange(trx, tags, now);
      return true;
    });
  }

  merge(entryId: number, intoId: number, actor: string, now: Date): Promise<number> {
    if (entryId === intoId) return Promise.resolve(0);
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('entries')
        .select(['id', 'sourceId', 'story'])
        .where('id', 'in', [entryId, intoId])
        .execute();
      const entry = rows.find((r) => r.id === entryId);
      const into = rows.find((r) => r.id === intoId);
      if (!entry) throw new StoreError('store.not-found', `there is no entry ${entryId}`);
      if (!into) throw new StoreError('store.not-found', `there is no entry ${intoId}`);
      const story = into.story ?? into.id;
      if (entry.story !== null && entry.story === story) return 0;
      if (into.story === null)
        await trx.updateTable('entries').set({ story, storyNote: null }).where('id', '=', intoId).execute();
      // The entry comes with the story it is in, if any: the operator says they are one.
      const moving = await trx
        .selectFrom('entries')
        .select(['id', 'sourceId'])
        .where((eb) => (entry.story === null ? eb('id', '=', entryId) : eb('story', '=', entry.story)))
        .execute();
      const tags: PageTag[] = [LISTING, ...(await tagsOfEntries(trx, [...moving, into]))];
      await trx
        .updateTable('entries')
        .set({ story, storyNote: `${describeMatch({ kind: 'manual', actor })} with entry ${intoId}` })
        .where(
          'id',
          'in',
          moving.map((m) => m.id),
        )
        .execute();
      await appendAudit(
        trx,
        actor,
        'merge-story',
        `entry ${entryId}${moving.length > 1 ? ` and ${moving.length - 1} more` : ''} into story ${story} (entry ${intoId})`,
        now,
      );
      await recordPageChange(trx, tags, now);
      return moving.length;
    });
  }
}
