import { hostname } from 'node:os';
import { pino, stdTimeFunctions, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs: one JSON object a line on stderr (stdout is for command output), with the level
 * by name, the time in ISO 8601, and the process and host, so that the lines of many web and worker
 * processes can be merged and told apart. LOG_LEVEL sets the level (default info).
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { app: 'courtesy', pid: process.pid, host: hostname() },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that discards everything, for tests and quiet commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
