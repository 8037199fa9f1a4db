import cliProgress from 'cli-progress';
import type { FullTextExtractor } from '../extract/index.js';
import { print } from './output.js';

/**
 * Progress of a long command. On a terminal: one bar on stderr (done/total, errors, rate, ETA) that
 * redraws in place. Otherwise (a pipe, a log file, cron): no bar, and `line` prints each step, so
 * the log tells what happened.
 */
export interface Progress {
  /** One step done; `line` describes it for non-terminal output, `failed` counts it as an error. */
  step(line: string, failed: boolean): void;
  /** Ends the bar (if any). */
  stop(): void;
}

export function startProgress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!stream.isTTY || total === 0) {
    return { step: (line) => print(line), stop: () => undefined };
  }
  let errors = 0;
  let done = 0;
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {value}/{total} | {errors} errors | {rate}/s | ETA {eta_formatted}`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 200,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { errors: 0, rate: '0' });
  return {
    step(_line, failed) {
      done++;
      if (failed) errors++;
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? (done / seconds).toFixed(0) : '0';
      bar.increment(1, { errors, rate });
    },
    stop() {
      bar.stop();
    },
  };
}

/**
 * Works the full-text queue to its end with progress: a bar on a terminal, a line a page
 * otherwise. Resolves to how many pages were worked, and how many of them gave an article.
 */
export async function drainFullText(
  fullText: FullTextExtractor,
  label: string,
  total: number,
): Promise<{ worked: number; extracted: number }> {
  let progress: Progress | null = null;
  let extracted = 0;
  const worked = await fullText.drain(({ task, outcome }) => {
    progress ??= startProgress(label, total);
    const done = outcome.state === 'done';
    if (done) extracted++;
    progress.step(`${outcome.state}: ${task.url}${done ? '' : ` (${outcome.note})`}`, !done);
  });
  (progress as Progress | null)?.stop();
  return { worked, extracted };
}
