import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project's root folder, whether running from dist/ or not. */
export const PROJECT_ROOT = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url),
);

/** The stylesheet, read once, with the short digest of its content that its address carries. */
export const STYLESHEET: { css: string; version: string } = (() => {
  const css = readFileSync(`${PROJECT_ROOT}src/web/static/site.css`, 'utf8');
  return { css, version: createHash('sha256').update(css).digest('hex').slice(0, 12) };
})();

export const SAMPLES_DIR = `${PROJECT_ROOT}samples/`;
