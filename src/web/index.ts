export { createApp, type WebContext } from './app.js';
export { startServer, type RunningServer } from './server.js';
