export { WebSub, CALLBACK_PATH, isPublicUrl, type CallbackAnswer, type WebSubContext } from './subscriber.js';
export { discoverPush, type PushLinks } from './discover.js';
export { checkSignature, type SignatureCheck } from './signature.js';
