import { type Kysely, type Migration, Migrator } from 'kysely';
import { StoreError } from './errors.js';
import type { Database } from './schema.js';

/**
 * Applies the pending migrations of an engine, each in a transaction with its version record (see
 * the engine folders). `schema` is where the version records live, when the engine has schemas.
 */
export async function migrate(
  db: Kysely<Database>,
  migrations: Record<string, Migration>,
  schema?: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreError(
      'store.migration',
      `store: migration ${failed} failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
