// @ts-check
/**
 * The layers of courtesy, checked by `npm run lint`: each folder of src/ may import only the folders
 * it lists (and itself). The table must have no cycle, which this file checks, so no two folders
 * can ever import each other. Tests and benchmarks may import anything they set up; they are held
 * to the no-cycle rule only.
 */
const LAYERS = {
  // The domain's types and pure rules; everything may use them.
  model: [],
  // Libraries of our own, over markup, threads and logs.
  markup: ['model'],
  threads: ['model'],
  log: ['model'],
  auth: ['model'],
  // The operator's settings.
  config: ['model', 'markup'],
  // The stages that know no storage and no pages.
  parse: ['model', 'markup'],
  fetch: ['model', 'log'],
  sanitize: ['model', 'markup'],
  // Storage: it knows no pages, no commands, no network.
  store: ['model', 'markup', 'threads', 'log'],
  metrics: ['model', 'store', 'config', 'log'],
  mail: ['model', 'store', 'config', 'log'],
  // The pipeline's stages and the domain's services over the store.
  extract: ['model', 'markup', 'threads', 'log', 'config', 'parse', 'fetch', 'sanitize', 'store', 'metrics'],
  ingest: ['model', 'markup', 'threads', 'log', 'config', 'parse', 'fetch', 'sanitize', 'store', 'metrics'],
  websub: ['model', 'log', 'config', 'fetch', 'store', 'metrics', 'ingest'],
  sources: ['model', 'markup', 'config', 'parse', 'fetch', 'store'],
  takedown: ['model', 'markup', 'log', 'config', 'fetch', 'store', 'mail'],
  // Lead images: fetched once, resized, kept on disk within a bound.
  media: ['model', 'log', 'config', 'fetch', 'store', 'metrics'],
  // The site: it reads the store and asks the services; it never fetches or polls.
  web: [
    'model',
    'markup',
    'auth',
    'log',
    'config',
    'sanitize',
    'store',
    'metrics',
    'takedown',
    'sources',
    'media',
  ],
  // The operator's desk (/admin): pages of the site that run the services, fetch previews and check sources.
  desk: [
    'model',
    'markup',
    'auth',
    'log',
    'config',
    'parse',
    'fetch',
    'sanitize',
    'store',
    'metrics',
    'extract',
    'ingest',
    'sources',
    'takedown',
    'media',
    'web',
  ],
  // The commands put everything together.
  cli: ['*'],
};

/** Throws when a folder reaches itself through the table. */
function checkAcyclic(layers) {
  const state = new Map();
  const visit = (folder, path) => {
    if (state.get(folder) === 'done') return;
    if (state.get(folder) === 'open') throw new Error(`layers: a cycle ${[...path, folder].join(' -> ')}`);
    state.set(folder, 'open');
    for (const below of layers[folder] ?? []) if (below !== '*') visit(below, [...path, folder]);
    state.set(folder, 'done');
  };
  for (const folder of Object.keys(layers)) visit(folder, []);
}
checkAcyclic(LAYERS);

const NOT_TESTS = '\\.(test|contract)\\.tsx?$';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'Modules that import each other, directly or through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unknown-folder',
      severity: 'error',
      comment: 'A folder of src/ that the layers in .dependency-cruiser.mjs do not name yet.',
      from: {},
      to: { path: `^src/(?!(${Object.keys(LAYERS).join('|')})/)` },
    },
    ...Object.entries(LAYERS)
      .filter(([, below]) => !below.includes('*'))
      .map(([folder, below]) => ({
        name: `layer-${folder}`,
        severity: 'error',
        comment: `src/${folder}/ may import only ${below.length ? below.join(', ') : 'libraries'} (see LAYERS in .dependency-cruiser.mjs).`,
        from: { path: `^src/${folder}/`, pathNot: NOT_TESTS },
        to: { path: '^src/', pathNot: `^src/(${[folder, ...below].join('|')})/` },
      })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
