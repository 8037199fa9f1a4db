import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much lower than the main thread's a background thread's priority is (added to its `nice` value). */
export const BACKGROUND_NICENESS = 10;

/**
 * Lowers the priority of the calling worker thread below the main thread's, so that on a busy
 * machine the web server's thread gets the CPU first and pages keep answering while feeds are
 * parsed, articles extracted and entries written: the background work runs on what the pages
 * leave. Linux only (a thread has its own id there, under /proc/thread-self, and its own
 * priority); elsewhere, or where it is not allowed, nothing changes. Returns whether it did.
 */
export function runInBackground(niceness = BACKGROUND_NICENESS): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return false;
    setPriority(tid, Math.min(19, getPriority(tid) + niceness));
    return true;
  } catch {
    return false;
  }
}
