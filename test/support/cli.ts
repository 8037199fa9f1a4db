import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { storeEnv } from './engines.js';

/** The real executable, as an operator runs it. */
export const BIN = fileURLToPath(
  new URL(
    import.meta.url.includes('/dist/') ? '../../../bin/courtesy' : '../../bin/courtesy',
    import.meta.url,
  ),
);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `courtesy --data DIR ...args` to the end, with `input` on its stdin; private networks are allowed (the test servers are on loopback). */
export function courtesy(dataDir: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--data', dataDir, ...args], {
      env: { ...process.env, COURTESY_ALLOW_PRIVATE_NETWORKS: '1', LOG_LEVEL: 'warn', ...storeEnv(dataDir) },
    });
    child.stdin.end(input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs `courtesy --data DIR ...args` as courtesy() does, and fails the test unless it succeeds: its stdout. */
export async function courtesyOk(dataDir: string, args: string[], input?: string): Promise<string> {
  const result = await courtesy(dataDir, args, input);
  assert.equal(result.code, 0, `courtesy ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

export interface RunningSite {
  url: string;
  child: ChildProcess;
  /** What it has printed so far. */
  stdout(): string;
  stop(): Promise<void>;
}

/** Starts `courtesy serve --port 0` (extra args appended) and resolves with its URL once it listens. */
export function serve(dataDir: string, extra: string[] = ['--no-poll']): Promise<RunningSite> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--data', dataDir, 'serve', '--port', '0', ...extra], {
      env: { ...process.env, COURTESY_ALLOW_PRIVATE_NETWORKS: '1', LOG_LEVEL: 'warn', ...storeEnv(dataDir) },
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m)
        resolve({
          url: m[1]!,
          child,
          stdout: () => out,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

export interface RunningWorker {
  child: ChildProcess;
  /** Its metrics' address, when it was started with --metrics-port. */
  metricsUrl: string | null;
  /** SIGTERM, and resolves when it has exited (after its checks in flight). */
  stop(): Promise<void>;
}

/** Starts `courtesy worker` (extra args appended) and resolves once it polls. */
export function startWorker(dataDir: string, extra: string[] = []): Promise<RunningWorker> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--data', dataDir, 'worker', ...extra], {
      env: { ...process.env, COURTESY_ALLOW_PRIVATE_NETWORKS: '1', LOG_LEVEL: 'warn', ...storeEnv(dataDir) },
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/is polling/.test(out))
        resolve({
          child,
          metricsUrl: /metrics at (http:\/\/\S+)/.exec(out)?.[1] ?? null,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${err}`)));
  });
}
