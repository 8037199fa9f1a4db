export {
  extractArticle,
  ExtractError,
  MAX_ELEMENTS,
  type Extraction,
  type ExtractOptions,
  type ScraperRules,
} from './extract.js';
export { articleText, measureText, textLength } from './text.js';
export { fetchPage, type FetchedPage } from './page.js';
export { FullTextExtractor, type FullTextContext, type PageReport } from './full-text.js';
export { createExtractionPool, type ExtractionPool } from './pool.js';
export { checkScraperRules } from '../markup/selectors.js';
