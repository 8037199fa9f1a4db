import { move, Piscina, transferableSymbol, valueSymbol } from 'piscina';

/** Runs a task: in worker threads, or on the calling thread when configured with none. */
export interface TaskPool<In, Out> {
  run(input: In): Promise<Out>;
  close(): Promise<void>;
}

export interface TaskPoolOptions<In, Out> {
  /** The worker module: its default export runs one task. */
  worker: URL;
  /**
   * The same work, for a pool of 0 threads. Let it load the worker module's code on first use: the
   * calling thread of a pool with threads should not hold that code (and what it imports) in memory.
   */
  inline: (input: In) => Promise<Out>;
  threads: number;
  /** Threads kept when idle (the rest stop after a minute without work). */
  minThreads: number;
  /** Heap limits of each thread, in MB. */
  heapMb: number;
  youngMb?: number;
  /** A task whose thread died (out of memory, a crash) ends with this result; `outOfMemory` says which. */
  failed: (error: unknown, outOfMemory: boolean) => Out;
  /** Told of a thread that died; the pool replaces it. */
  onError?: (error: unknown) => void;
}

/**
 * A pool of worker threads for CPU-heavy work, started on first use (a command that never needs
 * it starts none). A thread that dies fails its own task alone, with the result `failed` makes,
 * and the pool replaces it; each thread's heap is capped, so one huge input cannot grow the
 * process without bound.
 */
export function createTaskPool<In, Out>(options: TaskPoolOptions<In, Out>): TaskPool<In, Out> {
  if (options.threads <= 0) {
    return { run: (input) => options.inline(input), close: () => Promise.resolve() };
  }
  let pool: Piscina<In, Out> | null = null;
  return {
    run(input) {
      if (!pool) {
        pool = new Piscina<In, Out>({
          filename: options.worker.href,
          minThreads: options.minThreads,
          maxThreads: options.threads,
          idleTimeout: 60_000,
          resourceLimits: {
            maxOldGenerationSizeMb: options.heapMb,
            ...(options.youngMb ? { maxYoungGenerationSizeMb: options.youngMb } : {}),
          },
        });
        // Without a listener, the pool's 'error' event would end the process.
        pool.on('error', options.onError ?? (() => {}));
      }
      return pool.run(input).catch((error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        return options.failed(error, code === 'ERR_WORKER_OUT_OF_MEMORY');
      });
    },
    async close() {
      await pool?.destroy();
      pool = null;
    },
  };
}

/**
 * A worker's result with buffers inside it moved to the calling thread, not copied: each buffer
 * changes hands at no cost, and the worker no longer holds it. Return it from a worker module's
 * default export.
 */
export function moving<T extends object>(value: T, buffers: ArrayBuffer[]): T {
  return move({
    get [transferableSymbol]() {
      return buffers;
    },
    get [valueSymbol]() {
      return value;
    },
  }) as T;
}
