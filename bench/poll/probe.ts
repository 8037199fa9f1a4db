/**
 * Asks a page for itself again and again (one request at a time, a pause of --every ms between) and,
 * when told to stop (SIGTERM), prints how long the answers took as JSON: count, p50, p99, max in ms.
 *
 *   node dist/bench/poll/probe.js --url http://127.0.0.1:8080/ --every 20
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

const { values } = parseArgs({
  options: { url: { type: 'string' }, every: { type: 'string', default: '20' } },
});
const url = values.url!;
const every = Number(values.every);
const times: number[] = [];
let failures = 0;
let running = true;
process.once('SIGTERM', () => (running = false));

while (running) {
  const started = performance.now();
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) failures++;
  } catch {
    failures++;
  }
  times.push(performance.now() - started);
  await sleep(every);
}

times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({ count: times.length, failures, p50: at(0.5), p99: at(0.99), max: times[times.length - 1] ?? 0 })}\n`,
);
