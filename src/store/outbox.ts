import type { QueuedNotice } from '../model/takedown.js';

/** Emails waiting to be sent. */
export interface OutboxRepository {
  /** Unsent notices whose next attempt has come, oldest first. */
  due(now: Date, limit: number): Promise<QueuedNotice[]>;
  /**
   * Takes up to `limit` due notices for one sender to send, oldest first: no other sender, in
   * any process, sees them as due for `holdMs`, or until they are marked sent or failed.
   */
  claim(now: Date, limit: number, holdMs: number): Promise<QueuedNotice[]>;
  markSent(id: number, now: Date): Promise<void>;
  markFailed(id: number, error: string, nextAttemptAt: Date): Promise<void>;
  /** Unsent notices, for health reports. */
  pending(): Promise<number>;
  /** The unsent notices by state, for the desk's overview. */
  summary(): Promise<{ waiting: number; failing: number; givenUp: number }>;
  /** Unsent notices oldest first, or sent ones newest first; and how many there are in all. */
  list(query: {
    sent: boolean;
    limit: number;
    offset: number;
  }): Promise<{ notices: QueuedNotice[]; total: number }>;
  get(id: number): Promise<QueuedNotice | null>;
  /** Makes unsent notices due now (a given-up one too); how many were. */
  retry(ids: readonly number[], now: Date): Promise<number>;
}
