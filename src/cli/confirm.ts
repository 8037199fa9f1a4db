import { createInterface } from 'node:readline/promises';
import { UsageError } from '../model/errors.js';

/**
 * Asks before a change that cannot be undone: on a terminal, a question answered y or n (no by
 * default); elsewhere (a script, a pipe) no one can answer, so the change is refused with what it
 * would do and the flag that allows it.
 */
export async function confirmOrRefuse(
  what: string,
  { yes, command }: { yes: boolean; command: string },
): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY)
    throw new UsageError('cli.unconfirmed', `${command}: ${what}; run it again with --yes to go ahead`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${what[0]!.toUpperCase()}${what.slice(1)}. Go ahead? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
