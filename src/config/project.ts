import { fileURLToPath } from 'node:url';

/** The project's root folder, whether running from dist/ or not. */
export const PROJECT_ROOT = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url),
);

/** The sample feeds (and the sample configuration a first start copies). */
export const SAMPLES_DIR = `${PROJECT_ROOT}samples/`;
