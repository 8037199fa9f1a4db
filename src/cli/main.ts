import { Command, CommanderError } from 'commander';
import { VERSION } from '../config/index.js';
import { CourtesyError, UsageError } from '../model/errors.js';
import type { GlobalOptions } from './context.js';
import { registerExtract } from './extract.js';
import { registerParse } from './parse.js';
import { registerPoll } from './poll.js';
import { registerServe } from './serve.js';
import { registerSources } from './sources/index.js';
import { registerTakedown } from './takedown/index.js';
import { registerUsers } from './users.js';
import { registerStories } from './stories.js';
import { registerWorker } from './worker.js';
import { registerMigrate } from './migrate.js';

/**
 * A reader that stops reading (`courtesy sources list --json | head`) is a normal end for a
 * command's output, as it is for git's and ls's: the command stops there, quietly, with the exit
 * status it would have had. Any other failure to write the output is said once, on stderr.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.stderr.write(`courtesy: cannot write the output: ${error.message}\n`);
    process.exit(error.code === 'EPIPE' ? (typeof process.exitCode === 'number' ? process.exitCode : 0) : 1);
  });
}

/** Exit codes: 0 success, 1 the command failed, 2 bad usage or configuration. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('courtesy')
    .description('republish public feeds with full attribution, and take content down when asked')
    .version(VERSION)
    .option('--data <dir>', 'data folder: database and courtesy.toml (env COURTESY_DATA_DIR; default ./data)')
    .option(
      '--database <url>',
      'database URL: sqlite:PATH or postgres://USER@HOST/DATABASE (env DATABASE_URL; default a SQLite file in the data folder)',
    )
    .option('--config <file>', 'configuration file (default courtesy.toml in the data folder)')
    .option(
      '--allow-private-networks',
      'let fetches reach loopback and private addresses (env COURTESY_ALLOW_PRIVATE_NETWORKS=1)',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  const global = () => program.opts<GlobalOptions>();
  registerServe(program, global);
  registerWorker(program, global);
  registerPoll(program, global);
  registerSources(program, global);
  registerTakedown(program, global);
  registerUsers(program, global);
  registerStories(program, global);
  registerParse(program, global);
  registerExtract(program, global);
  registerMigrate(program, global);
  for (const command of program.commands) command.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`courtesy: ${error.message}\n`);
      return 2;
    }
    if (error instanceof CourtesyError) {
      process.stderr.write(`courtesy: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(
      `courtesy: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
