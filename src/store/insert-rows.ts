import { CompiledQuery, sql, type Kysely } from 'kysely';

/**
 * A multi-row INSERT of the hot writes (a refresh's new entries, their authors and tags, their
 * search text), its text written once per shape (table, columns, rows, what follows the values)
 * and engine, and run with its values alone. Kysely builds a query of a node for each value and
 * compiles it anew each time: 230 µs for a farm feed's 25 entries, 170 µs for their 60 facets,
 * which the SQLite writer thread, the bound of a first poll, spent on every refresh (measured
 * ad hoc). The text is what Kysely would write, with the engine's own placeholders; the result's
 * rows are turned to camelCase by the store's plugin as for any query.
 *
 * `columns` are the table's column names as the database spells them; each row gives a value for
 * each, in that order. `tail` is SQL that both engines take as it is (ON CONFLICT, RETURNING).
 */
export async function insertRows<DB, Row = unknown>(
  db: Kysely<DB>,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
  tail = '',
): Promise<Row[]> {
  if (rows.length === 0) return [];
  const style = placeholderStyle(db);
  const key = `${style}|${table}|${columns.join(',')}|${rows.length}|${tail}`;
  let text = texts.get(key);
  if (text === undefined) {
    text = insertText(style, table, columns, rows.length, tail);
    texts.set(key, text);
    if (texts.size > MAX_TEXTS) texts.delete(texts.keys().next().value!);
  }
  const parameters: unknown[] = [];
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new Error(
        `insertRows: a row of ${row.length} values for the ${columns.length} columns of ${table}`,
      );
    }
    for (const value of row) parameters.push(value);
  }
  const result = await db.executeQuery<Row>(CompiledQuery.raw(text, parameters));
  return result.rows;
}

/** How many texts are kept (a few tables, each with up to a few hundred row counts). */
const MAX_TEXTS = 1024;
const texts = new Map<string, string>();

/** `?` (SQLite, MySQL) or `$1` (PostgreSQL), as the engine's compiler writes a value. */
type PlaceholderStyle = 'positional' | 'numbered';

const styles = new WeakMap<object, PlaceholderStyle>();

function placeholderStyle<DB>(db: Kysely<DB>): PlaceholderStyle {
  let style = styles.get(db);
  if (style === undefined) {
    style = sql`${0}`.compile(db).sql === '$1' ? 'numbered' : 'positional';
    styles.set(db, style);
  }
  return style;
}

function insertText(
  style: PlaceholderStyle,
  table: string,
  columns: readonly string[],
  count: number,
  tail: string,
): string {
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  let n = 0;
  const row = (): string => `(${columns.map(() => (style === 'numbered' ? `$${++n}` : '?')).join(', ')})`;
  const values = Array.from({ length: count }, row).join(', ');
  return `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${values}${tail ? ` ${tail}` : ''}`;
}
