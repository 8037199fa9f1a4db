import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project's root folder, whether running from dist/ or not. */
export const PROJECT_ROOT = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url),
);

/** The stylesheet, read once. */
export function readStylesheet(): string {
  return readFileSync(`${PROJECT_ROOT}src/web/static/site.css`, 'utf8');
}

export const SAMPLES_DIR = `${PROJECT_ROOT}samples/`;
