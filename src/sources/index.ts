export {
  findFeed,
  subscribe,
  SubscribeError,
  type FoundFeed,
  type SubscribeRequest,
  type Subscription,
} from './subscribe.js';
export { parseOpml, renderOpml, OpmlError, type OpmlOutline } from './opml.js';
export { seedConfiguredSources } from './seed.js';
export {
  RECENT_EXTRACTIONS,
  changeSource,
  checkedLanguage,
  describeLastError,
  importOpml,
  pauseSource,
  readOpml,
  removeSource,
  requireSource,
  resumeSource,
  sourceState,
  type ImportStep,
  type SourceChange,
  type SourceChanged,
} from './manage.js';
