import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** What one wrk run measured: requests a second, latency percentiles, answers that were not 2xx or 3xx. */
export interface Load {
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errors: number;
}

/** wrk prints these percentiles (in microseconds) on its last line when the run is done. */
export const WRK_SCRIPT = `done = function(summary, latency, requests)
  io.write(string.format("percentiles %d %d %d\\n", latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
`;

/**
 * Runs wrk against a URL with a Lua script that ends by printing WRK_SCRIPT's percentiles, and reads
 * its summary. Asynchronous, since the server under test is often this very process.
 */
export async function runWrk(
  url: string,
  script: string,
  options: { connections: number; seconds: number; headers?: string[] },
): Promise<Load> {
  const headers = (options.headers ?? []).flatMap((h) => ['-H', h]);
  const { stdout: out } = await execFileAsync(
    'wrk',
    ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '-s', script, ...headers, url],
    { encoding: 'utf8' },
  );
  const [p50 = NaN, p95 = NaN, p99 = NaN] = (/^percentiles (\d+) (\d+) (\d+)$/m.exec(out) ?? [])
    .slice(1)
    .map((us) => Number(us) / 1000);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50Ms: p50,
    p95Ms: p95,
    p99Ms: p99,
    errors: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0'),
  };
}
