export {
  extractArticle,
  articleText,
  ExtractError,
  MAX_ELEMENTS,
  type Extraction,
  type ExtractOptions,
  type ScraperRules,
} from './extract.js';
export { linkDensity, textLength } from './text.js';
export { fetchPage, type FetchedPage } from './page.js';
