import { availableParallelism } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { languageTag, sectionName, type RightsPolicy } from '../model/source.js';
import { compileIntake, normalizeIntake, type IntakeRules } from '../model/intake.js';
import { DEFAULT_EMBED_HOSTS } from '../model/embeds.js';
import { checkScraperRules } from '../markup/selectors.js';
import { ConfigError } from './errors.js';
import { configSchema, type ConfigFile } from './schema.js';
import { checkAccent, readLogo, type Logo } from './branding.js';
import { senderFor } from './sender.js';

export { ConfigError };

export const CONFIG_FILE_NAME = 'courtesy.toml';
export const VERSION = '0.1.0';

/** The one typed configuration every stage receives; built once at start. */
export interface Config {
  dataDir: string;
  databaseUrl: string;
  /** The config file read, or null when the defaults alone apply. */
  configFile: string | null;
  site: {
    name: string;
    description: string;
    baseUrl: string;
    /** Whether site.base_url was set; when not, baseUrl is the server's default address. */
    baseUrlSet: boolean;
    language: string;
    contactEmail: string | null;
    operator: string | null;
    searchEngines: 'canonical' | 'noindex' | 'both';
    attribution: string;
    excerptWords: number;
    pageSize: number;
    /** At most this many articles of one source on a page of the home page; 0: no limit. */
    mostPerSource: number;
    /** The logo shown before the name; null: the name alone. */
    logo: Logo | null;
    /** The accent colours (#rrggbb) that replace the stylesheet's own; null: the stylesheet's. */
    accent: { light: string | null; dark: string | null };
    /** The menu's own items (About and Contact follow them); empty: Latest, the sections and Sources. */
    menu: Array<{ label: string; url: string }>;
    /**
     * The site's sections with articles, as the default menu lists them: kept up to date by each web
     * process from the store (web/sections.ts), never read from the file.
     */
    sections: Array<{ label: string; url: string }>;
  };
  server: {
    host: string;
    port: number;
    trustProxy: boolean;
    pageCacheBytes: number;
    /** How long a cached page may be shown without new entries that belong on it (see PageCacheOptions). */
    newEntriesDelayMs: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveMs: number;
    maxConnections: number;
  };
  poll: {
    intervalMs: number;
    minIntervalMs: number;
    maxIntervalMs: number;
    maxConsecutiveFailures: number;
    perHostConcurrency: number;
    concurrency: number;
    maxBodyBytes: number;
    connectTimeoutMs: number;
    firstByteTimeoutMs: number;
    timeoutMs: number;
    minBytesPerSecond: number;
    allowPrivateNetworks: boolean;
    userAgent: string;
    workers: number;
    claimMs: number;
    checkEveryMs: number;
    /** The longest a check may take before it is abandoned (see refreshSource). */
    checkDeadlineMs: number;
    /** How long due sources may wait with no check ending before the polling counts as stalled. */
    stallAfterMs: number;
  };
  content: {
    /** The rel given to every link in republished content. */
    linkRel: string;
    /** Hosts whose players may be embedded, sandboxed. */
    embedHosts: string[];
  };
  fullText: {
    workers: number;
    concurrency: number;
    maxAttempts: number;
  };
  media: {
    enabled: boolean;
    /** Where resized images are kept (absolute). */
    dir: string;
    maxDiskBytes: number;
    concurrency: number;
    maxImageBytes: number;
  };
  websub: {
    enabled: boolean;
    leaseSeconds: number;
    fallbackIntervalMs: number;
  };
  takedown: {
    /** Where new requests and counter-notices are announced; null: nobody is emailed. */
    notifyEmail: string | null;
    /** Whether takedown.notify_email was set; when not, notifyEmail follows the site's contact address. */
    notifyEmailSet: boolean;
    selfService: boolean;
    selfServiceThen: 'pause' | 'link-only' | 'nothing';
    requestsPerHour: number;
  };
  admin: { sessionMs: number; lockoutAfter: number; lockoutMs: number };
  /** Null when no SMTP host is set: notices wait in the outbox. */
  smtp: {
    host: string;
    port: number;
    secure: boolean;
    requireTls: boolean;
    user: string | null;
    password: string | null;
    from: string;
    /** Whether smtp.from was set; when not, from follows the site's name and contact address. */
    fromSet: boolean;
  } | null;
  /** `token`: what scrapers must send as a bearer token; null: only loopback and private clients may read. */
  metrics: { enabled: boolean; token: string | null };
  /** Sources the config file subscribes to (URLs made absolute). */
  sources: Array<{
    /** The URL as the config file writes it: what "seeded once" is remembered by. */
    key: string;
    url: string;
    name: string | null;
    policy: RightsPolicy | null;
    fullText: boolean;
    selector: string | null;
    remove: string[];
    attribution: string | null;
    searchEngines: 'canonical' | 'noindex' | 'both' | null;
    holdNew: boolean;
    section: string | null;
    intake: IntakeRules;
    language: string | null;
  }>;
}

/** The metrics token from the environment, held to the config file's rule. */
/** A check's deadline, which must leave the fetch its own timeout and the rest of the check time after it. */
function checkDeadline(deadlineSeconds: number, fetchTimeoutSeconds: number): number {
  if (deadlineSeconds <= fetchTimeoutSeconds) {
    throw new ConfigError(
      'config.invalid',
      `config: poll.check_deadline_seconds (${deadlineSeconds}) must be more than poll.timeout_seconds (${fetchTimeoutSeconds}): a check fetches, then parses and stores`,
    );
  }
  return deadlineSeconds;
}

function metricsToken(value: string | undefined): string | null {
  if (!value) return null;
  if (value.length < 16) {
    throw new ConfigError('config.invalid', 'config: COURTESY_METRICS_TOKEN must be at least 16 characters');
  }
  return value;
}

/** A seed's scraper rules, checked as CSS now: a bad one stops the start with its place named. */
function scraperRules(
  selector: string | undefined,
  remove: string[] | undefined,
  index: number,
): { selector: string | null; remove: string[] } {
  try {
    return checkScraperRules({ selector, remove });
  } catch (error) {
    throw new ConfigError('config.invalid', `config: sources[${index}]: ${(error as Error).message}`);
  }
}

/** A configured source's language as a canonical tag; a value that is no tag names its key. */
function sourceLanguageOf(typed: string | undefined, index: number): string | null {
  if (typed === undefined) return null;
  const tag = languageTag(typed);
  if (!tag)
    throw new ConfigError(
      'config.invalid',
      `config: sources[${index}].language “${typed}” is not a language tag (such as en, fr or pt-BR)`,
    );
  return tag;
}

/** A configured source's intake rules, checked: a rule that cannot be read names its key. */
function intakeRules(
  s: { include?: string[]; exclude?: string[]; max_per_check?: number; max_age_days?: number },
  index: number,
): IntakeRules {
  const rules = normalizeIntake({
    include: s.include ?? [],
    exclude: s.exclude ?? [],
    maxPerCheck: s.max_per_check ?? null,
    maxAgeDays: s.max_age_days ?? null,
  });
  try {
    compileIntake(rules);
  } catch (error) {
    throw new ConfigError('config.invalid', `config: sources[${index}]: ${(error as Error).message}`);
  }
  return rules;
}

/** What the command line and the environment can override. */
export interface ConfigOverrides {
  dataDir?: string;
  database?: string;
  config?: string;
  host?: string;
  port?: number;
  allowPrivateNetworks?: boolean;
}

/**
 * Builds the Config: defaults, then the config file (--config, else courtesy.toml in the data dir),
 * then the environment (COURTESY_DATA_DIR, DATABASE_URL, COURTESY_ALLOW_PRIVATE_NETWORKS,
 * COURTESY_SMTP_PASSWORD, COURTESY_METRICS_TOKEN), then flags.
 */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(overrides.dataDir ?? env.COURTESY_DATA_DIR ?? 'data');
  const configFile = overrides.config ? resolve(overrides.config) : join(dataDir, CONFIG_FILE_NAME);
  const explicit = overrides.config !== undefined;
  const exists = existsSync(configFile);
  if (explicit && !exists)
    throw new ConfigError('config.missing', `config: the file ${configFile} does not exist`);
  const file = validate(exists ? readToml(configFile) : {}, exists ? configFile : 'defaults');

  const host = overrides.host ?? file.server.host;
  const port = overrides.port ?? file.server.port;
  const baseUrl = (file.site.base_url ?? `http://${hostForUrl(host)}:${port}`).replace(/\/+$/, '');
  const databaseUrl = overrides.database ?? env.DATABASE_URL ?? `sqlite:${join(dataDir, 'courtesy.sqlite')}`;
  const allowPrivate =
    overrides.allowPrivateNetworks === true ||
    env.COURTESY_ALLOW_PRIVATE_NETWORKS === '1' ||
    env.COURTESY_ALLOW_PRIVATE_NETWORKS === 'true' ||
    file.poll.allow_private_networks;
  return {
    dataDir,
    databaseUrl,
    configFile: exists ? configFile : null,
    site: siteSettings(file, dataDir, baseUrl),
    server: {
      host,
      port,
      trustProxy: file.server.trust_proxy,
      pageCacheBytes: Math.round(file.server.page_cache_mb * 1024 * 1024),
      newEntriesDelayMs: Math.round(file.server.new_entries_delay_seconds * 1000),
      headersTimeoutMs: Math.round(file.server.headers_timeout_seconds * 1000),
      requestTimeoutMs: Math.round(file.server.request_timeout_seconds * 1000),
      keepAliveMs: Math.round(file.server.keep_alive_seconds * 1000),
      maxConnections: file.server.max_connections,
    },
    poll: {
      intervalMs: file.poll.interval_minutes * 60_000,
      minIntervalMs: file.poll.min_interval_minutes * 60_000,
      maxIntervalMs: file.poll.max_interval_minutes * 60_000,
      maxConsecutiveFailures: file.poll.max_consecutive_failures,
      perHostConcurrency: file.poll.per_host_concurrency,
      concurrency: file.poll.concurrency,
      maxBodyBytes: Math.round(file.poll.max_body_mb * 1024 * 1024),
      connectTimeoutMs: file.poll.connect_timeout_seconds * 1000,
      firstByteTimeoutMs: file.poll.first_byte_timeout_seconds * 1000,
      timeoutMs: file.poll.timeout_seconds * 1000,
      minBytesPerSecond: file.poll.min_bytes_per_second,
      allowPrivateNetworks: allowPrivate,
      workers: file.poll.workers ?? Math.max(1, Math.min(4, availableParallelism() - 1)),
      userAgent: file.poll.user_agent ?? `courtesy/${VERSION} (${file.site.name}; +${baseUrl}/)`,
      claimMs: file.poll.claim_seconds * 1000,
      checkEveryMs: file.poll.check_every_seconds * 1000,
      checkDeadlineMs: checkDeadline(file.poll.check_deadline_seconds, file.poll.timeout_seconds) * 1000,
      stallAfterMs: file.poll.stall_after_seconds * 1000,
    },
    content: {
      linkRel: file.content.link_rel.trim().replace(/\s+/g, ' '),
      embedHosts: file.content.embed_hosts?.map((h) => h.toLowerCase()) ?? [...DEFAULT_EMBED_HOSTS],
    },
    fullText: {
      workers: file.full_text.workers ?? Math.max(1, Math.min(4, availableParallelism() - 1)),
      concurrency: file.full_text.concurrency,
      maxAttempts: file.full_text.max_attempts,
    },
    media: {
      enabled: file.media.enabled,
      dir: resolve(dataDir, file.media.dir ?? 'media'),
      maxDiskBytes: Math.round(file.media.max_disk_mb * 1024 * 1024),
      concurrency: file.media.concurrency,
      maxImageBytes: Math.round(file.media.max_image_mb * 1024 * 1024),
    },
    websub: {
      enabled: file.websub.enabled,
      leaseSeconds: Math.round(file.websub.lease_days * 86_400),
      fallbackIntervalMs: file.websub.fallback_interval_minutes * 60_000,
    },
    takedown: {
      notifyEmail: file.takedown.notify_email ?? file.site.contact_email ?? null,
      notifyEmailSet: file.takedown.notify_email !== undefined,
      selfService: file.takedown.self_service,
      selfServiceThen: file.takedown.self_service_then,
      requestsPerHour: file.takedown.requests_per_hour,
    },
    admin: {
      sessionMs: file.admin.session_hours * 3_600_000,
      lockoutAfter: file.admin.lockout_after,
      lockoutMs: file.admin.lockout_minutes * 60_000,
    },
    smtp: file.smtp.host
      ? {
          host: file.smtp.host,
          port: file.smtp.port,
          secure: file.smtp.secure,
          requireTls: file.smtp.require_tls,
          user: file.smtp.user ?? null,
          password: env.COURTESY_SMTP_PASSWORD ?? file.smtp.password ?? null,
          from: file.smtp.from ?? senderFor(file.site.name, file.site.contact_email, baseUrl),
          fromSet: file.smtp.from !== undefined,
        }
      : null,
    metrics: {
      enabled: file.metrics.enabled,
      token: metricsToken(env.COURTESY_METRICS_TOKEN) ?? file.metrics.token ?? null,
    },
    sources: file.sources.map((s, i) => ({
      ...scraperRules(s.selector, s.remove, i),
      key: s.url,
      url: absoluteSourceUrl(s.url, baseUrl),
      name: s.name ?? null,
      policy: s.policy ?? null,
      fullText: s.full_text ?? Boolean(s.selector || s.remove?.length),
      attribution: s.attribution ?? null,
      searchEngines: s.search_engines ?? null,
      holdNew: s.hold ?? false,
      section: sectionName(s.section),
      intake: intakeRules(s, i),
      language: sourceLanguageOf(s.language, i),
    })),
  };
}

/** The [site] table: the site's name, address, attribution, look and menu. */
function siteSettings(file: ConfigFile, dataDir: string, baseUrl: string): Config['site'] {
  return {
    name: file.site.name,
    description: file.site.description,
    baseUrl,
    baseUrlSet: file.site.base_url !== undefined,
    language: file.site.language,
    contactEmail: file.site.contact_email ?? null,
    operator: file.site.operator ?? null,
    searchEngines: file.site.search_engines,
    attribution: file.site.attribution,
    excerptWords: file.site.excerpt_words,
    pageSize: file.site.page_size,
    mostPerSource: file.site.most_per_source,
    logo: file.site.logo ? readLogo(resolve(dataDir, file.site.logo)) : null,
    accent: {
      light: file.site.accent ? checkAccent('accent', file.site.accent, 'light') : null,
      dark: file.site.accent_dark ? checkAccent('accent_dark', file.site.accent_dark, 'dark') : null,
    },
    menu: (file.site.menu ?? []).map((item) => ({ label: item.label, url: item.url })),
    sections: [],
  };
}

function readToml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('config.unreadable', `config: cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return parseToml(text);
  } catch (error) {
    throw new ConfigError('config.syntax', `config: ${path} is not valid TOML: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function validate(raw: unknown, origin: string): ConfigFile {
  const result = configSchema.safeParse(raw);
  if (result.success) {
    const { min_interval_minutes: min, max_interval_minutes: max } = result.data.poll;
    if (min > max) {
      throw new ConfigError(
        'config.invalid',
        `config (${origin}): poll.min_interval_minutes (${min}) is more than poll.max_interval_minutes (${max})`,
      );
    }
    return result.data;
  }
  const lines = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys')
      return `unknown key ${[...issue.path, issue.keys.join(', ')].filter(Boolean).join('.')}`;
    return `${key} ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  throw new ConfigError('config.invalid', `config (${origin}): ${lines.join('; ')}`);
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function absoluteSourceUrl(url: string, baseUrl: string): string {
  return url.startsWith('/') ? `${baseUrl}${url}` : url;
}
