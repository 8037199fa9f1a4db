import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stderr (stdout is for command output); LOG_LEVEL sets the level. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'courtesy' } }, pino.destination({ fd: 2, sync: true }));
}

/** A logger that discards everything, for tests and quiet commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
