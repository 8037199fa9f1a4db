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
 * A budget of bytes shared by the fetches in flight: acquire(n) waits until n more bytes fit, and
 * resolves with what it was granted (a request larger than the whole budget gets the whole budget,
 * alone). Waiters are served in arrival order, so a large request is not passed over for good by
 * small ones. `peak` is the most bytes granted at once.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiting: Array<{ bytes: number; grant: () => void }> = [];
  peak = 0;

  constructor(readonly total: number) {}

  acquire(bytes: number): Promise<number> {
    const wanted = Math.min(Math.max(bytes, 0), this.total);
    if (this.waiting.length === 0 && this.used + wanted <= this.total) {
      this.take(wanted);
      return Promise.resolve(wanted);
    }
    return new Promise((resolve) => this.waiting.push({ bytes: wanted, grant: () => resolve(wanted) }));
  }

  release(bytes: number): void {
    this.used -= bytes;
    for (let next = this.waiting[0]; next && this.used + next.bytes <= this.total; next = this.waiting[0]) {
      this.waiting.shift();
      this.take(next.bytes);
      next.grant();
    }
  }

  private take(bytes: number): void {
    this.used += bytes;
    this.peak = Math.max(this.peak, this.used);
  }
}

/** A counting semaphore: at most `size` holders at once, waiters served in arrival order. */
export class Slots {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  acquire(): Promise<void> {
    if (this.held < this.size) {
      this.held++;
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
