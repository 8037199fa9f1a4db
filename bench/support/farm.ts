import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What the farm counts between two resets (see bench/poll/farm.ts). */
export interface FarmStats {
  requests: number;
  notModified: number;
  ok: number;
  bytes: number;
  perHostMax: number;
  feedsRequested: number;
  maxPerFeed: number;
}

export interface Farm {
  child: ChildProcess;
  port: number;
  /** Every feed's URL, from the farm's OPML. */
  feedUrls(): Promise<string[]>;
  stats(): Promise<FarmStats>;
  reset(): Promise<void>;
  /** The next round: a share of the healthy feeds gain entries. */
  tick(): Promise<number>;
  stop(): void;
}

export interface FarmOptions {
  feeds: number;
  hosts: number;
  faults: number;
  update: number;
  seed: number;
  /** The share of feeds that carry copies of another feed's stories (farm.ts --syndicated). */
  syndicated?: number;
  /** Entries of the last 20 days rather than of November 2026 (farm.ts --recent). */
  recent?: boolean;
}

/** Starts the loopback feed farm in a child process, so that its work is not counted as courtesy's. */
export function startFarm(options: FarmOptions): Promise<Farm> {
  const script = fileURLToPath(new URL('../poll/farm.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        script,
        ...['--feeds', options.feeds, '--hosts', options.hosts, '--faults', options.faults].map(String),
        ...['--update', options.update, '--seed', options.seed].map(String),
        ...(options.syndicated ? ['--syndicated', String(options.syndicated)] : []),
        ...(options.recent ? ['--recent'] : []),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child.stdout.on('data', (d: Buffer) => {
      const m = /farm listening on (\d+)/.exec(d.toString());
      if (!m) return;
      const port = Number(m[1]);
      const control = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
      resolve({
        child,
        port,
        async feedUrls() {
          const opml = await (await control('/__opml')).text();
          return [...opml.matchAll(/xmlUrl="([^"]+)"/g)].map((match) => match[1]!);
        },
        async stats() {
          return (await (await control('/__stats')).json()) as FarmStats;
        },
        async reset() {
          await (await control('/__reset')).arrayBuffer();
        },
        async tick() {
          return ((await (await control('/__tick')).json()) as { changed: number }).changed;
        },
        stop: () => child.kill('SIGTERM'),
      });
    });
    child.once('exit', (code) => reject(new Error(`the farm exited with ${code}`)));
  });
}
