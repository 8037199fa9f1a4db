import { StoreError } from './errors.js';
import type { Store } from './store.js';
import { openSqliteStore } from './sqlite/open-sqlite.js';

/**
 * Opens the store a database URL names: `sqlite:PATH` (or a bare file path) for the embedded
 * default, `postgres://…` (or `postgresql://…`) for PostgreSQL. The PostgreSQL driver is loaded
 * only for a PostgreSQL URL: a site on SQLite never holds it in memory.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:'))
    return openSqliteStore(databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''));
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    const { openPostgresStore } = await import('./postgres/open-postgres.js');
    return openPostgresStore(databaseUrl);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(databaseUrl)) {
    const scheme = databaseUrl.slice(0, databaseUrl.indexOf(':'));
    throw new StoreError(
      'store.unsupported',
      `store: database URLs of the ${scheme} scheme are not supported; use sqlite:PATH or postgres://HOST/DATABASE`,
    );
  }
  return openSqliteStore(databaseUrl);
}
