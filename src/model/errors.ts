/**
 * The base of every error courtesy raises on purpose: a stable `code` to branch on,
 * a sentence a user can act on, and the cause. Each stage defines its own subclasses.
 */
export class CourtesyError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input from a person: a CLI argument, a config value, a form field. */
export class UsageError<Code extends string = string> extends CourtesyError<Code> {}

/** Something named (a source, an entry) does not exist. */
export class NotFoundError extends CourtesyError {}

/** The stable code of an error courtesy raised on purpose; null for anything else (a bug, a library's throw). */
export function errorCode(error: unknown): string | null {
  return error instanceof CourtesyError ? (error as CourtesyError).code : null;
}

/** The message of anything thrown, for logs and recorded statuses. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
