import type { Transporter } from 'nodemailer';
import type { Config } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { errorMessage } from '../model/errors.js';
import { NOTICE_GIVEN_UP } from '../model/takedown.js';
import type { Store } from '../store/index.js';

/** Notices sent per pass; the rest wait for the next one. */
const BATCH = 20;
/** How long a sender holds the notices it took: past it, another sender (say, in another process) may retry them. */
const CLAIM_MS = 10 * 60_000;
/** Retries of a notice that could not be sent: 1 min, doubling, at most 6 h apart. */
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 6 * 3_600_000;
/** After this many failed tries (about three days), a notice is given up and stays unsent in the outbox. */
const MAX_ATTEMPTS = 20;
const GIVEN_UP = NOTICE_GIVEN_UP;

/** When to try a notice again after `attempts` failed tries. */
export function nextAttempt(now: Date, attempts: number): Date {
  return new Date(now.getTime() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1)));
}

/**
 * Sends what waits in the outbox through the configured SMTP server. Notices are written to the
 * outbox in the same transaction as the change they tell of, so a crash or an unreachable mail
 * server delays a notice but never loses it; one that fails is retried later with a growing delay.
 * Without an SMTP host, notices stay in the outbox. The mail library is loaded with the first pass:
 * a site that never sends mail never holds it in memory.
 */
export class OutboxSender {
  private transport: Promise<Transporter> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly logger: Logger,
    /** The settings saved from the desk, read again before each pass (the sender follows the site's name). */
    private readonly settings?: { sync(): Promise<void> },
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.smtp);
  }

  /** The SMTP transport, made on first use. */
  private connect(smtp: NonNullable<Config['smtp']>): Promise<Transporter> {
    this.transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        requireTLS: smtp.requireTls,
        auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
        connectionTimeout: 20_000,
        greetingTimeout: 20_000,
        socketTimeout: 60_000,
      }),
    );
    return this.transport;
  }

  /**
   * Sends every due notice; resolves to how many were sent. Passes never overlap: a flush asked for
   * while one runs makes it go round once more, for the notices queued in the meantime.
   */
  flush(now?: Date): Promise<number> {
    const smtp = this.config.smtp;
    if (!smtp) return Promise.resolve(0);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      const transport = await this.connect(smtp);
      let sent = 0;
      do {
        this.again = false;
        sent += await this.pass(transport, now ?? new Date());
      } while (this.again);
      return sent;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Flushes now and then every `intervalMs`. */
  start(intervalMs = 30_000): void {
    if (!this.enabled || this.timer) return;
    const tick = () => {
      this.flush().catch((error: unknown) => this.logger.error({ err: error }, 'sending notices failed'));
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    const transport = this.transport;
    this.transport = null;
    (await transport?.catch(() => null))?.close();
  }

  private async pass(transport: Transporter, now: Date): Promise<number> {
    await this.settings?.sync();
    const from = this.config.smtp?.from ?? '';
    let sent = 0;
    for (const notice of await this.store.outbox.claim(now, BATCH, CLAIM_MS)) {
      try {
        await transport.sendMail({ from, to: notice.to, subject: notice.subject, text: notice.text });
        await this.store.outbox.markSent(notice.id, new Date());
        sent++;
      } catch (error) {
        const attempts = notice.attempts + 1;
        const retry = attempts >= MAX_ATTEMPTS ? GIVEN_UP : nextAttempt(new Date(), attempts);
        await this.store.outbox.markFailed(notice.id, errorMessage(error), retry);
        this.logger.warn(
          { to: notice.to, subject: notice.subject, err: errorMessage(error), retryAt: retry.toISOString() },
          retry === GIVEN_UP
            ? `a notice could not be sent after ${MAX_ATTEMPTS} tries; it is given up`
            : 'a notice could not be sent; it will be retried',
        );
      }
    }
    return sent;
  }
}
