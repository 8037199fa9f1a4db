/**
 * A counting semaphore per host, with a global cap: at most `perHost` requests to one host and
 * `total` requests overall are in flight at once. Waiters are served in arrival order.
 */
export class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly queues = new Map<string, Array<() => void>>();
  private readonly total: Slots;

  constructor(
    private readonly perHost: number,
    total: number,
  ) {
    this.total = new Slots(total);
  }

  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    await this.total.acquire();
    try {
      await this.acquireHost(host);
      try {
        return await task();
      } finally {
        this.releaseHost(host);
      }
    } finally {
      this.total.release();
    }
  }

  private acquireHost(host: string): Promise<void> {
    const count = this.active.get(host) ?? 0;
    if (count < this.perHost) {
      this.active.set(host, count + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.queues.get(host) ?? [];
      queue.push(resolve);
      this.queues.set(host, queue);
    });
  }

  private releaseHost(host: string): void {
    const queue = this.queues.get(host);
    const next = queue?.shift();
    if (next) {
      if (queue!.length === 0) this.queues.delete(host);
      next();
      return;
    }
    const count = (this.active.get(host) ?? 1) - 1;
    if (count <= 0) this.active.delete(host);
    else this.active.set(host, count);
  }
}

/**
 * A counting semaphore: at most `size` holders at once, waiters served in arrival order. `peak` is
 * the most holders seen at once.
 */
export class Slots {
  private held = 0;
  private readonly waiting: Array<() => void> = [];
  peak = 0;

  constructor(private readonly size: number) {}

  acquire(): Promise<void> {
    if (this.held < this.size) {
      this.held++;
      this.peak = Math.max(this.peak, this.held);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held--;
  }
}
