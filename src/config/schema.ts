import { z } from 'zod';

/** The default attribution, with live links: [text](original), [text](source_site), [text](takedown). */
export const DEFAULT_ATTRIBUTION =
  '[Click this link for the original source of this article.](original) Author: {author}. ' +
  'This content is courtesy of, and owned and copyrighted by, [{source}](source_site) and its author. ' +
  'This content is made available by use of the public RSS feed offered by the host site. ' +
  'If you are the author or represent the host site and would like this content removed now and in the future, ' +
  'please use our [takedown page](takedown).';

const httpUrl = z
  .string()
  .refine(
    (v) => /^https?:\/\/[^/\s]+/i.test(v) && URL.canParse(v),
    'must be an absolute http:// or https:// URL',
  );

const policy = z.enum(['full', 'excerpt', 'link']);

const email = z.string().email('must be an email address');

/** Whether an address passes the same check as the file's email addresses. */
export function isEmailAddress(value: string): boolean {
  return email.safeParse(value).success;
}

const color = z.string().regex(/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i, 'must be a colour written #rgb or #rrggbb');

/** One item of the site's menu: a path on the site ("/tags/politics") or an http(s) URL. */
const menuItem = z.strictObject({
  label: z.string().trim().min(1, 'must not be empty').max(40, 'must be at most 40 characters'),
  url: z
    .string()
    .refine(
      (v) =>
        (v.startsWith('/') && !v.startsWith('//')) || (/^https?:\/\/[^/\s]+/i.test(v) && URL.canParse(v)),
      'must be a path on the site ("/tags/politics") or an absolute http:// or https:// URL',
    ),
});

/** Why a menu item cannot be used ("label must not be empty"), or null when it can. */
export function menuItemProblem(item: { label: string; url: string }): string | null {
  const result = menuItem.safeParse(item);
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  return `${issue.path[0] === 'url' ? 'address' : 'label'} ${issue.message}`;
}

const sourceSeed = z.strictObject({
  /** A feed URL; a path ("/samples/...") is relative to site.base_url. */
  url: z
    .string()
    .min(1, 'must not be empty')
    .refine(
      (v) =>
        (v.startsWith('/') && !v.startsWith('//')) || (/^https?:\/\/[^/\s]+/i.test(v) && URL.canParse(v)),
      'must be an absolute http:// or https:// URL, or a path on the site ("/samples/feed.xml")',
    ),
  name: z.string().optional(),
  policy: policy.optional(),
  full_text: z.boolean().optional(),
  /** Scraper rules for full text: the article's CSS selector, and what to remove first. */
  selector: z.string().min(1, 'must not be empty').optional(),
  remove: z.array(z.string().min(1, 'must not be empty')).optional(),
  /** This source's attribution template, in the same syntax as site.attribution. */
  attribution: z.string().min(1, 'must not be empty').optional(),
  /** This source's search-engine policy, instead of site.search_engines. */
  search_engines: z.enum(['canonical', 'noindex', 'both']).optional(),
  /** Hold its new entries for review at the desk. */
  hold: z.boolean().optional(),
  /** The section of the site its articles belong to. */
  section: z.string().optional(),
  /** The language of its articles (BCP 47), when its feed does not say or says wrong. */
  language: z.string().optional(),
  /** Intake rules (docs/newsroom.md): take only what matches one include rule and no exclude rule. */
  include: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
  /** The most new entries one check takes, the newest. */
  max_per_check: z.number().int().min(1).max(10_000).optional(),
  /** Entries published more than this many days before they are first seen are not taken. */
  max_age_days: z.number().int().min(1).max(36_500).optional(),
});

/**
 * Every option of courtesy.toml, with its default. Unknown keys are errors, so a typo is caught at
 * start instead of silently ignored.
 */
export const configSchema = z.strictObject({
  site: z
    .strictObject({
      name: z.string().min(1, 'must not be empty').default('courtesy'),
      description: z
        .string()
        .default(
          'News from around the web, republished with permission of the public feeds and full attribution.',
        ),
      /** The public address of the site; defaults to http://HOST:PORT of the server. */
      base_url: httpUrl.optional(),
      language: z.string().default('en'),
      /** Shown on the contact page, so authors and publishers can reach the operator. */
      contact_email: email.optional(),
      operator: z.string().optional(),
      /** canonical: rel=canonical to the original; noindex: keep copies out of search; both (default). */
      search_engines: z.enum(['canonical', 'noindex', 'both']).default('both'),
      attribution: z.string().min(1, 'must not be empty').default(DEFAULT_ATTRIBUTION),
      excerpt_words: z
        .number()
        .int()
        .min(10, 'must be at least 10')
        .max(1000, 'must be at most 1000')
        .default(60),
      page_size: z.number().int().min(1).max(200).default(20),
      /** At most this many articles of one source on a page of the home page; 0 for no limit. */
      most_per_source: z.number().int().min(0).max(200).default(4),
      /** An SVG, PNG, WebP or JPEG file shown before the name (a path relative to the data folder). */
      logo: z.string().min(1, 'must not be empty').optional(),
      /** The colour of links and highlights, in the light theme and in the dark one. */
      accent: color.optional(),
      accent_dark: color.optional(),
      /** The menu's own items; About and Contact always follow them. */
      menu: z.array(menuItem).max(12, 'must have at most 12 items').optional(),
    })
    .prefault({}),
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535, 'must be a TCP port (0–65535)').default(8080),
      /**
       * Behind a reverse proxy: take the client's address from the last X-Forwarded-For entry (for
       * rate limits) instead of the connection's.
       */
      trust_proxy: z.boolean().default(false),
      /** Memory for rendered pages kept until a change touches them; 0 turns the cache off. */
      page_cache_mb: z.number().min(0).max(4096).default(64),
      /**
       * How long a cached page may go on being shown without new entries that belong on it: while
       * articles keep arriving, a page is rendered again at most once in this time. Edits, removals
       * and takedowns reach every page at once, whatever this says.
       */
      new_entries_delay_seconds: z.number().min(0).max(300).default(2),
      /** How long a client may take to send a request's headers. */
      headers_timeout_seconds: z.number().min(1).max(600).default(20),
      /** How long a client may take to send a whole request, body included. */
      request_timeout_seconds: z.number().min(1).max(3600).default(60),
      /** How long an idle kept-alive connection stays open. */
      keep_alive_seconds: z.number().min(0).max(600).default(5),
      /** Connections the process holds at once; more are closed as they come. */
      max_connections: z.number().int().min(1).max(1_000_000).default(2048),
    })
    .prefault({}),
  poll: z
    .strictObject({
      interval_minutes: z.number().min(1).default(60),
      min_interval_minutes: z.number().min(1).default(15),
      max_interval_minutes: z
        .number()
        .min(1)
        .default(24 * 60),
      max_consecutive_failures: z.number().int().min(1).default(10),
      per_host_concurrency: z.number().int().min(1).max(16).default(2),
      concurrency: z.number().int().min(1).max(512).default(32),
      max_body_mb: z.number().positive().max(1024).default(10),
      connect_timeout_seconds: z.number().positive().max(600).default(10),
      first_byte_timeout_seconds: z.number().positive().max(600).default(20),
      timeout_seconds: z.number().positive().max(600).default(60),
      /** The slowest a body may come once it has taken 5 s, in bytes a second; 0 waits for timeout_seconds alone. */
      min_bytes_per_second: z.number().int().min(0).max(1_000_000).default(1024),
      allow_private_networks: z.boolean().default(false),
      /** Worker threads that parse and sanitize feeds; 0 does it on the main thread. */
      workers: z.number().int().min(0).max(64).optional(),
      user_agent: z.string().optional(),
      /**
       * How long a poller's claim on a source lasts: a poller that dies mid-check (a crash, a lost
       * machine) holds its sources this long before another takes them over.
       */
      claim_seconds: z.number().int().min(5).max(86_400).default(300),
      /** How often an idle poller looks for due sources (and renews due WebSub leases). */
      check_every_seconds: z.number().min(0.1).max(3600).default(30),
      /**
       * The longest one check may take, fetch, parsing and writing together; past it the check is
       * abandoned and recorded as failed (check.timeout). More than timeout_seconds.
       */
      check_deadline_seconds: z.number().min(1).max(3600).default(300),
      /**
       * /readyz answers 503, and courtesy_poll_stalled is 1, when a source has been due this long
       * and no check of any source has ended in this time: the polling has stopped.
       */
      stall_after_seconds: z.number().min(10).max(86_400).default(900),
    })
    .prefault({}),
  content: z
    .strictObject({
      /** The rel given to every link in republished content. */
      link_rel: z
        .string()
        .regex(/^[a-z][a-z -]*$/i, 'must be link types apart by spaces ("noopener noreferrer nofollow")')
        .default('noopener noreferrer nofollow'),
      /** Hosts whose players may be embedded (iframes, sandboxed); replaces the built-in list. */
      embed_hosts: z
        .array(z.string().regex(/^[a-z0-9.-]+$/i, 'must be a host name ("www.youtube.com")'))
        .optional(),
    })
    .prefault({}),
  full_text: z
    .strictObject({
      /** Worker threads that extract and sanitize articles; the default leaves a core to the site. */
      workers: z.number().int().min(1).max(64).optional(),
      /** Article pages fetched at once (within poll.per_host_concurrency for each host). */
      concurrency: z.number().int().min(1).max(256).default(8),
      /** Tries for a page that cannot be fetched (a timeout, a 5xx) before the feed's content stays. */
      max_attempts: z.number().int().min(1).max(20).default(3),
    })
    .prefault({}),
  media: z
    .strictObject({
      /** Lead images on cards and articles, fetched once and served by the site; false: none. */
      enabled: z.boolean().default(true),
      /** Where the resized images are kept; defaults to media/ in the data directory. */
      dir: z.string().min(1).optional(),
      /** The most the kept images may take on disk; the oldest go first past it. */
      max_disk_mb: z.number().min(16).max(1_048_576).default(2048),
      /** Images fetched and resized at once (within poll.per_host_concurrency for each host). */
      concurrency: z.number().int().min(1).max(64).default(4),
      /** The largest original accepted, in megabytes (an image bomb is refused by its pixels too). */
      max_image_mb: z.number().positive().max(100).default(15),
    })
    .prefault({}),
  websub: z
    .strictObject({
      /** Subscribe to the WebSub hubs that feeds name (only when site.base_url is public). */
      enabled: z.boolean().default(true),
      /** The lease asked of hubs; a hub may grant another. */
      lease_days: z.number().positive().max(365).default(7),
      /** While push is live, polling goes on at least this far apart, in case a push is lost. */
      fallback_interval_minutes: z
        .number()
        .min(1)
        .default(12 * 60),
    })
    .prefault({}),
  takedown: z
    .strictObject({
      /** Who is told of new requests and counter-notices; defaults to site.contact_email. */
      notify_email: email.optional(),
      /** Publishers may verify a site-wide request by serving its token on their site. */
      self_service: z.boolean().default(true),
      /** What a self-verified site request does to the site's sources besides removing their content. */
      self_service_then: z.enum(['pause', 'link-only', 'nothing']).default('pause'),
      /** Requests and counter-notices one address may file per hour. */
      requests_per_hour: z.number().int().min(1).max(1000).default(5),
    })
    .prefault({}),
  admin: z
    .strictObject({
      /** How long a sign-in lasts. */
      session_hours: z
        .number()
        .positive()
        .max(24 * 30)
        .default(12),
      /** Failed sign-ins in a row that lock an account. */
      lockout_after: z.number().int().min(1).max(100).default(5),
      lockout_minutes: z
        .number()
        .positive()
        .max(24 * 60)
        .default(15),
    })
    .prefault({}),
  smtp: z
    .strictObject({
      /** Without a host, notices wait in the outbox (the admin area shows them) until one is set. */
      host: z.string().min(1).optional(),
      port: z.number().int().min(1).max(65535).default(587),
      /** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
      secure: z.boolean().default(false),
      /** Refuse to send unless the connection is encrypted (STARTTLS required). */
      require_tls: z.boolean().default(false),
      user: z.string().optional(),
      password: z.string().optional(),
      /** The sender: "Name <address>"; defaults to the site's name and site.contact_email. */
      from: z.string().min(3).optional(),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      /** Prometheus metrics at /metrics on every web process (and `worker --metrics-port`). */
      enabled: z.boolean().default(true),
      /**
       * A bearer token scrapers must send. Without one, only clients on loopback or a private
       * network may read the metrics.
       */
      token: z.string().min(16, 'must be at least 16 characters').optional(),
    })
    .prefault({}),
  sources: z.array(sourceSeed).default([]),
});

export type ConfigFile = z.infer<typeof configSchema>;
