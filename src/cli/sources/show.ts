import type { Command } from 'commander';
import type { WithContext } from './shared.js';
import { CourtesyError } from '../../model/errors.js';
import { describeIntake } from '../../model/intake.js';
import { sourceDisplayName, type Source } from '../../model/source.js';
import type { Subscription } from '../../model/subscription.js';
import { describeLastError, sourceState } from '../../sources/index.js';
import { parseCount, parseId } from '../arguments.js';
import { print, relative, table } from '../output.js';

/** `sources show ID`: one source in detail, with its recent fetch history. */
export function registerShow(sources: Command, withContext: WithContext): void {
  sources
    .command('show')
    .description('show one source in detail: its state, its schedule and its recent fetch history')
    .argument('<id>', 'source ID', parseId)
    .option('--history <n>', 'how many recent checks to show', parseCount, 20)
    .action((id: number, options: { history: number }) =>
      withContext(async (ctx) => {
        const source = (await ctx.store.sources.list()).find((s) => s.id === id);
        if (!source) throw new CourtesyError('store.not-found', `there is no source ${id}`);
        const now = new Date();
        const when = (d: Date | null) => (d ? `${d.toISOString()} (${relative(d, now)})` : '-');
        const rows: Array<[string, string]> = [
          ['name', sourceDisplayName(source)],
          ['feed', source.feedUrl],
          ['site', source.siteUrl ?? '-'],
          ['status', sourceState(source)],
          ['policy', source.policy],
          ['full text', fullTextOf(source)],
          ['search engines', source.searchEngines ?? `${ctx.config.site.searchEngines} (the site's)`],
          ['section', source.section ?? '-'],
          [
            'language',
            source.language
              ? `${source.language} (set)`
              : source.feedLanguage
                ? `${source.feedLanguage} (the feed's)`
                : '-',
          ],
          ['review', source.holdNew ? 'new entries wait for review' : 'new entries are published at once'],
          ['intake', describeIntake(source.intake)],
          [
            'filtered out',
            String(
              (
                await ctx.store.entries.listWithheld({
                  withheld: 'filtered',
                  sourceId: id,
                  limit: 0,
                  offset: 0,
                })
              ).total,
            ),
          ],
          ['entries', `${source.entryCount} (${source.entriesPerDay} a day over the last 30 days)`],
          ['added', when(source.createdAt)],
          ['last check', when(source.lastCheckedAt)],
          ['last success', when(source.lastSuccessAt)],
          ['last HTTP status', source.lastHttpStatus === null ? '-' : String(source.lastHttpStatus)],
          ['last error', describeLastError(source) || '-'],
          ['error code', source.lastErrorCode ?? '-'],
          ['next check', source.status === 'active' ? when(source.nextCheckAt) : `- (${source.status})`],
          ['because', source.checkBasis ?? '-'],
          [
            'validators',
            [
              source.etag && `ETag ${source.etag}`,
              source.lastModified && `Last-Modified ${source.lastModified}`,
            ]
              .filter(Boolean)
              .join(', ') || '-',
          ],
          ...pushRows(await ctx.store.subscriptions.get(id), when, ctx.websub.disabledBecause),
        ];
        const width = Math.max(...rows.map(([k]) => k.length));
        for (const [key, value] of rows) print(`${key.padEnd(width)}  ${value}`);
        if (source.fullText) {
          const extractions = await ctx.store.extractions.summary(id, 10);
          const { counts } = extractions;
          print();
          print(
            `full text: ${counts.done} extracted, ${counts['kept-feed']} kept the feed's content, ${counts.pending} waiting`,
          );
          if (extractions.recent.length > 0) {
            print(
              table(
                ['WHEN', 'STATE', 'TRIES', 'PAGE', 'WHY'],
                extractions.recent.map((l) => [
                  l.updatedAt.toISOString(),
                  l.state,
                  String(l.attempts),
                  l.url ?? '-',
                  l.note ?? '',
                ]),
              ),
            );
          }
        }
        const history = await ctx.store.sources.history(id, options.history);
        print();
        if (history.length === 0) return print('no checks yet');
        print(
          table(
            ['WHEN', 'OUTCOME', 'HTTP', 'TIME', 'BYTES', 'NEW', 'UPDATED', 'MESSAGE'],
            history.map((f) => [
              f.startedAt.toISOString(),
              f.outcome,
              f.httpStatus === null ? '-' : String(f.httpStatus),
              `${Math.round(f.durationMs)} ms`,
              f.bytes === null ? '-' : String(f.bytes),
              String(f.inserted),
              String(f.updated),
              f.message ?? '',
            ]),
          ),
        );
      }),
    );
}

/** What `sources show` says about WebSub for a source. */
function pushRows(
  sub: Subscription | null,
  when: (d: Date | null) => string,
  disabledBecause: string | null,
): Array<[string, string]> {
  if (!sub) return [['push', disabledBecause ? `- (not subscribing: ${disabledBecause})` : '-']];
  const states: Record<Subscription['state'], string> = {
    requested: 'requested, waiting for the hub to verify',
    active: 'live',
    failed: 'failed',
    denied: 'denied by the hub',
    unsubscribing: 'unsubscribing',
  };
  return [
    ['push', `${states[sub.state]} (WebSub hub ${sub.hub})`],
    ['push topic', sub.topic],
    ['push lease', sub.expiresAt ? `until ${when(sub.expiresAt)}` : '-'],
    [sub.state === 'active' ? 'push renewal' : 'push retry', when(sub.renewAt)],
    [
      'pushes',
      `${sub.pushes} stored${sub.lastPushAt ? `, the last ${relative(sub.lastPushAt)}` : ''}; ${sub.rejectedPushes} ignored`,
    ],
    ['last push problem', sub.lastError ?? '-'],
  ];
}

function fullTextOf(source: Source): string {
  if (!source.fullText) return "off (the feed's own content)";
  const rules = [
    source.scraperSelector ? `article: ${source.scraperSelector}` : 'article found by Readability',
    ...(source.scraperRemove.length > 0 ? [`remove: ${source.scraperRemove.join(', ')}`] : []),
  ];
  return `on (${rules.join('; ')})`;
}
