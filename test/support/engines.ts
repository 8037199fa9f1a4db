import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgres, SKIP_POSTGRES, type TestDatabase } from './postgres.js';

/**
 * The engines every end-to-end test runs on: each test file describes its site once per engine.
 * A site's data folder holds its config either way; on PostgreSQL its store is a schema of its
 * own, which every command the tests run on the folder uses (see cli.ts).
 */
export interface TestEngine {
  name: 'SQLite' | 'PostgreSQL';
  /** Why the engine's tests are skipped, or false. */
  skip: string | false;
}

export const ENGINES: readonly TestEngine[] = [
  { name: 'SQLite', skip: false },
  { name: 'PostgreSQL', skip: SKIP_POSTGRES },
];

const databases = new Map<string, TestDatabase>();

/** A new, empty data folder for a site on the engine. */
export async function siteFolder(engine: TestEngine, prefix = 'courtesy-e2e-'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (engine.name === 'PostgreSQL') databases.set(dir, await freshPostgres('e2e'));
  return dir;
}

/** The environment a command run on the folder needs to find its store. */
export function storeEnv(dir: string): Record<string, string> {
  const database = databases.get(dir);
  return database ? { DATABASE_URL: database.url } : {};
}

/** Removes the folder, and the site's schema on PostgreSQL. */
export async function removeSiteFolder(dir: string | undefined): Promise<void> {
  if (!dir) return;
  rmSync(dir, { recursive: true, force: true });
  const database = databases.get(dir);
  databases.delete(dir);
  await database?.drop();
}
