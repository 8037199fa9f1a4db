export {
  Fetcher,
  DEFAULT_FETCHER_OPTIONS,
  type FetcherOptions,
  type FetchResult,
  type Validators,
} from './fetcher.js';
export { FetchError } from './errors.js';
export { isPrivateAddress } from './private-address.js';
export { RobotsRules, type RobotsVerdict } from './robots.js';
export { parseRetryAfter } from './retry-after.js';
