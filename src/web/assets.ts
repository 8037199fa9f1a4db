import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PROJECT_ROOT } from '../config/project.js';

/** The stylesheet, read once, with the short digest of its content that its address carries. */
export const STYLESHEET: { css: string; version: string } = (() => {
  const css = readFileSync(`${PROJECT_ROOT}src/web/static/site.css`, 'utf8');
  return { css, version: createHash('sha256').update(css).digest('hex').slice(0, 12) };
})();

export { SAMPLES_DIR } from '../config/project.js';
