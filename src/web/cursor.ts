import type { Cursor } from '../store/index.js';

/** Pagination cursors in URLs: "sortAt.id" in base 36, opaque to readers and stable across new entries. */
export function encodeCursor(cursor: Cursor): string {
  return `${cursor.sortAt.toString(36)}.${cursor.id.toString(36)}`;
}

export function decodeCursor(value: string | undefined): Cursor | null {
  if (!value) return null;
  const m = /^([0-9a-z]{1,12})\.([0-9a-z]{1,12})$/.exec(value);
  if (!m) return null;
  const sortAt = parseInt(m[1]!, 36);
  const id = parseInt(m[2]!, 36);
  return Number.isSafeInteger(sortAt) && Number.isSafeInteger(id) ? { sortAt, id } : null;
}
