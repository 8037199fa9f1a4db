import pg from 'pg';

/** The channel the page_changes trigger notifies, with the schema as its payload. */
export const PAGE_CHANGES_CHANNEL = 'courtesy_page_changes';

/** How long a listener waits before reconnecting, at first and at most. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/** How often the connection is checked, so that one that silently died is noticed and replaced. */
const PING_EVERY_MS = 15_000;

/**
 * PostgreSQL's counterpart of SQLite's data_version: a number that changes whenever another
 * connection commits a line to the change log of one schema. One connection of its own LISTENs on
 * the channel the log's trigger notifies (on commit); each notification for this schema bumps the
 * count, and so does every (re)connection, since lines may have been committed while it was away.
 *
 * `value()` is null until the listener is connected and while it is not, so that a page cache reads
 * the log on every request meanwhile rather than trusting a count that may have missed a commit.
 * The listener starts on the first call to value(), so only processes that keep a page cache (the
 * web processes) hold the extra connection.
 */
export class ChangeListener {
  private client: pg.Client | null = null;
  private connected = false;
  private count = 0;
  private started = false;
  private closed = false;
  private retryMs = RECONNECT_FIRST_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly schema: string,
    private readonly onProblem: (message: string) => void = () => {},
  ) {}

  /** The count of commits seen, or null when the listener cannot vouch for it. */
  value(): number | null {
    if (!this.started) {
      this.started = true;
      void this.connect();
    }
    return this.connected ? this.count : null;
  }

  /** Resolves once the listener is connected (or has given up, when closed); for tests and warm-up. */
  async ready(timeoutMs = 5000): Promise<boolean> {
    this.value();
    const until = Date.now() + timeoutMs;
    while (!this.connected && !this.closed && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.connected;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.connected = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ ...this.config, keepAlive: true });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === PAGE_CHANGES_CHANNEL && message.payload === this.schema) this.count++;
    });
    client.on('error', (error) => this.lost(client, error.message));
    client.on('end', () => this.lost(client, 'the connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${PAGE_CHANGES_CHANNEL}`);
    } catch (error) {
      this.lost(client, (error as Error).message);
      return;
    }
    if (this.client !== client) return;
    // Whatever was committed before LISTEN took effect is read by the cache's next sync.
    this.count++;
    this.connected = true;
    this.retryMs = RECONNECT_FIRST_MS;
    this.pingTimer = setInterval(() => {
      client.query('SELECT 1').catch((error: Error) => this.lost(client, error.message));
    }, PING_EVERY_MS);
    this.pingTimer.unref();
  }

  private lost(client: pg.Client, why: string): void {
    if (this.client !== client) return;
    this.client = null;
    const wasConnected = this.connected;
    this.connected = false;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    void client.end().catch(() => {});
    if (this.closed) return;
    if (wasConnected) this.onProblem(`listening for page changes: ${why}; reconnecting`);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
  }
}
