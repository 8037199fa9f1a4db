import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../model/errors.js';
import type { TakedownRequest } from '../../model/takedown.js';
import type { AppContext } from '../context.js';
import { print } from '../output.js';

export type { WithContext } from '../context.js';

export async function requestNamed(ctx: AppContext, reference: string): Promise<TakedownRequest> {
  const r = await ctx.store.takedowns.findByReference(reference);
  if (!r) throw new UsageError('takedown.no-request', `there is no takedown request ${reference}`);
  return r;
}

/** Sends the notices a decision queued, when an SMTP server is configured; otherwise says where they wait. */
export async function sendNotices(ctx: AppContext): Promise<void> {
  if (!ctx.outbox.enabled) {
    print('notices wait in the outbox: no [smtp] host is configured');
    return;
  }
  const sent = await ctx.outbox.flush();
  if (sent > 0) print(`${sent} notice(s) sent`);
}

export function details(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows
    .map(([k, v]) => `${k.padEnd(width)}  ${v.split('\n').join(`\n${' '.repeat(width + 2)}`)}`)
    .join('\n');
}

export function parseThen(value: string): 'pause' | 'link-only' {
  if (value !== 'pause' && value !== 'link-only')
    throw new InvalidArgumentError('must be "pause" or "link-only"');
  return value;
}
