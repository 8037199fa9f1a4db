import type { AppContext } from '../context.js';

/** Runs a subcommand's body with the application opened (and closed after). */
export type WithContext = (fn: (ctx: AppContext) => Promise<void>) => Promise<void>;

/** Gathers a repeatable option's values. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
