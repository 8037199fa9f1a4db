import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PROJECT_ROOT } from '../config/project.js';

/** The desk's stylesheet (on top of the site's), read once; its address carries its digest. */
export const DESK_STYLESHEET: { css: string; path: string } = (() => {
  const css = readFileSync(`${PROJECT_ROOT}src/desk/desk.css`, 'utf8');
  return {
    css,
    path: `/admin/static/desk.css?v=${createHash('sha256').update(css).digest('hex').slice(0, 12)}`,
  };
})();
