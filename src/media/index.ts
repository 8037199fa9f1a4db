export { MediaCache, type MediaContext, type MediaPass } from './cache.js';
export { MediaError, type MediaErrorCode } from './errors.js';
export { MediaFiles } from './files.js';
export { resizeImage, type MediaCopy } from './resize.js';
