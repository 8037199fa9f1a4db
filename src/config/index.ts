export {
  loadConfig,
  ConfigError,
  CONFIG_FILE_NAME,
  VERSION,
  type Config,
  type ConfigOverrides,
} from './config.js';
export { DEFAULT_ATTRIBUTION } from './schema.js';
export {
  LiveSettings,
  SITE_SETTING_KEYS,
  SETTING_LIMITS,
  checkSettings,
  menuText,
  settingsOf,
  storedChanges,
  type SettingErrors,
  type SettingsSource,
  type SiteSettingKey,
  type SiteSettingValues,
} from './site-settings.js';
export { worstContrast } from './branding.js';
