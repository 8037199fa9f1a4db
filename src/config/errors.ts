import { UsageError } from '../model/errors.js';

/** The configuration cannot be used: the message names the key and what is wrong with it. */
export class ConfigError extends UsageError<ConfigErrorCode> {}

export type ConfigErrorCode =
  'config.invalid' | 'config.missing' | 'config.syntax' | 'config.unreadable' | 'config.logo';
