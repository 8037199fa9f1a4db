export {
  loadConfig,
  ConfigError,
  CONFIG_FILE_NAME,
  VERSION,
  type Config,
  type ConfigOverrides,
} from './config.js';
export { DEFAULT_ATTRIBUTION } from './schema.js';
