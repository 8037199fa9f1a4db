import type { Command } from 'commander';
import { UsageError } from '../model/errors.js';
import { sourceDisplayName } from '../model/source.js';
import { parseId } from './arguments.js';
import { cliActor, withAppContext, type GlobalOptions } from './context.js';
import { print, table } from './output.js';

/** `courtesy stories`: the copies of one article that several sources carry, shown once (docs/stories.md). */
export function registerStories(program: Command, global: () => GlobalOptions): void {
  const stories = program
    .command('stories')
    .description('one article carried by several sources: show a story, split a copy off, merge two');

  stories
    .command('show')
    .description("list the copies of an entry's story, the first published first, and why each joined it")
    .argument('<entry>', 'the ID of any entry of the story (the number in its /articles/ address)', parseId)
    .action((id: number) =>
      withAppContext(global(), async (ctx) => {
        const copies = await ctx.store.stories.copies(id, { includeWithheld: true });
        if (copies.length === 0) throw new UsageError('stories.unknown', `there is no entry ${id}`);
        if (copies.length === 1) return print(`entry ${id} is alone: no other source carries it`);
        const sources = await ctx.store.sources.getMany(copies.map((c) => c.entry.sourceId));
        print(`story ${copies[0]!.entry.story}: ${copies[0]!.entry.title ?? '(untitled)'}`);
        print(
          table(
            ['ENTRY', 'SOURCE', 'PUBLISHED', 'SHOWN', 'WHY'],
            copies.map(({ entry, note }, i) => [
              String(entry.id),
              sources.get(entry.sourceId)
                ? sourceDisplayName(sources.get(entry.sourceId)!)
                : `source ${entry.sourceId}`,
              entry.sortAt.toISOString(),
              entry.withheld ?? 'yes',
              i === 0 ? 'first published' : (note ?? '-'),
            ]),
          ),
        );
      }),
    );

  stories
    .command('split')
    .description('take an entry out of its story for good: it is listed on its own, and never folded again')
    .argument('<entry>', 'the ID of the entry', parseId)
    .action((id: number) =>
      withAppContext(global(), async (ctx) => {
        if (!(await ctx.store.entries.get(id)))
          throw new UsageError('stories.unknown', `there is no entry ${id}`);
        const split = await ctx.store.stories.split(id, cliActor(), new Date());
        print(
          split
            ? `entry ${id} split off its story; it is listed on its own`
            : `entry ${id} was alone already`,
        );
      }),
    );

  stories
    .command('merge')
    .description("put an entry, with any story it is in, into another entry's story")
    .argument('<entry>', 'the ID of the entry that joins', parseId)
    .argument('<into>', 'the ID of an entry of the story it joins', parseId)
    .action((id: number, into: number) =>
      withAppContext(global(), async (ctx) => {
        for (const n of [id, into])
          if (!(await ctx.store.entries.get(n)))
            throw new UsageError('stories.unknown', `there is no entry ${n}`);
        const moved = await ctx.store.stories.merge(id, into, cliActor(), new Date());
        const copies = await ctx.store.stories.copies(into, { includeWithheld: true });
        print(
          moved === 0
            ? `entry ${id} is in that story already`
            : `${moved === 1 ? `entry ${id}` : `entry ${id} and ${moved - 1} more`} merged into story ${copies[0]?.entry.story ?? into}, now ${copies.length} copies`,
        );
      }),
    );
}
