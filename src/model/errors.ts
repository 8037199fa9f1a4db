/**
 * The base of every error courtesy raises on purpose: a stable `code` to branch on,
 * a sentence a user can act on, and the cause. Each stage defines its own subclasses.
 */
export class CourtesyError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input from a person: a CLI argument, a config value, a form field. */
export class UsageError extends CourtesyError {}

/** Something named (a source, an entry) does not exist. */
export class NotFoundError extends CourtesyError {}

/** The message of anything thrown, for logs and recorded statuses. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
