import type { Command } from 'commander';
import { copySite } from '../store/copy-site.js';
import { configFrom, type GlobalOptions } from './context.js';
import { print } from './output.js';

interface MigrateOptions {
  from?: string;
  to: string;
}

export function registerMigrate(program: Command, global: () => GlobalOptions): void {
  program
    .command('migrate')
    .description(
      'copy a whole site from SQLite to PostgreSQL (sources, articles, takedown rules, tombstones, requests, users, notices, audit log), then compare the counts of every table; safe to run again',
    )
    .option('--from <url>', 'the SQLite database, sqlite:PATH (default the data folder’s)')
    .requiredOption(
      '--to <url>',
      'the PostgreSQL database, postgres://USER@HOST/DATABASE (?schema=NAME to use a schema)',
    )
    .addHelpText(
      'after',
      '\nStop the site (serve, poll) before copying, so that nothing changes during the copy; then start it with --database (or DATABASE_URL) set to the PostgreSQL URL.\nExit status: 0 when every table has as many rows in PostgreSQL as in SQLite; 1 otherwise.',
    )
    .action(async (options: MigrateOptions) => {
      const from = options.from ?? configFrom(global()).databaseUrl;
      print(`copying ${from} to PostgreSQL`);
      const report = await copySite(from, options.to, (line) => print(`  ${line}`));
      const width = Math.max(...report.counts.map((c) => c.table.length));
      print('');
      print(`${'table'.padEnd(width)}  ${'SQLite'.padStart(9)}  ${'PostgreSQL'.padStart(10)}`);
      for (const c of report.counts) {
        const mark = c.source === c.target ? '' : '  differs';
        print(
          `${c.table.padEnd(width)}  ${String(c.source).padStart(9)}  ${String(c.target).padStart(10)}${mark}`,
        );
      }
      if (report.verified) {
        print('\nverified: every table has the same number of rows in both');
      } else {
        print(
          '\nthe counts differ: rows added to either database since (or during) the copy? Stop the site and run the same command again',
        );
        process.exitCode = 1;
      }
    });
}
