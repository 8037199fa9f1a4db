export type { WithContext } from '../context.js';

/** Gathers a repeatable option's values. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
