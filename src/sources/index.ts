export { subscribe, SubscribeError, type SubscribeRequest, type Subscription } from './subscribe.js';
export { parseOpml, renderOpml, OpmlError, type OpmlOutline } from './opml.js';
export { seedConfiguredSources } from './seed.js';
