import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Config } from '../config/index.js';
import { feedPath } from './feeds.js';
import { STYLESHEET } from './assets.js';
import { logoPath, themeStylesheet } from './theme.js';

export interface PageHead {
  title: string;
  description?: string;
  /** rel=canonical target (for articles: the original, per the search-engine policy). */
  canonical?: string | null;
  noindex?: boolean;
  /** The listing whose feeds the page announces (its path, "/" for the home page). */
  feeds?: string;
  /** OpenGraph (property=) and Twitter card (name=) tags. */
  social?: Array<{ property?: string; name?: string; content: string }>;
  /** Structured data (schema.org), written as JSON-LD. */
  jsonLd?: Record<string, unknown>;
  /** Stylesheets after the site's own (the desk's). */
  stylesheets?: readonly string[];
  /** The address of the menu's item this page is, marked as the current page; by default the listing's (`feeds`). */
  current?: string;
}

/** The frame of every page: landmarks, a skip link, the menu, and the footer. */
export function Layout(props: { site: Config['site']; head: PageHead; children?: Child }) {
  const { site, head } = props;
  const fullTitle = head.title === site.name ? site.name : `${head.title} · ${site.name}`;
  const theme = themeStylesheet(site.accent);
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={site.language}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{fullTitle}</title>
          <meta name="description" content={head.description ?? site.description} />
          <meta name="color-scheme" content="light dark" />
          {head.canonical ? <link rel="canonical" href={head.canonical} /> : null}
          {head.noindex ? <meta name="robots" content="noindex, follow" /> : null}
          {(head.social ?? []).map((m) =>
            m.property ? (
              <meta property={m.property} content={m.content} />
            ) : (
              <meta name={m.name} content={m.content} />
            ),
          )}
          {head.jsonLd ? (
            // A data block, never run (and the CSP allows no script): "<" is escaped so that no text in
            // it can close the element.
            <script type="application/ld+json">
              {raw(JSON.stringify(head.jsonLd).replace(/</g, '\\u003c'))}
            </script>
          ) : null}
          {head.feeds !== undefined ? (
            <>
              <link
                rel="alternate"
                type="application/rss+xml"
                title={`${fullTitle} (RSS)`}
                href={feedPath(head.feeds, 'rss')}
              />
              <link
                rel="alternate"
                type="application/atom+xml"
                title={`${fullTitle} (Atom)`}
                href={feedPath(head.feeds, 'atom')}
              />
              <link
                rel="alternate"
                type="application/feed+json"
                title={`${fullTitle} (JSON Feed)`}
                href={feedPath(head.feeds, 'json')}
              />
            </>
          ) : null}
          <link rel="stylesheet" href={`/static/site.css?v=${STYLESHEET.version}`} />
          {theme ? <link rel="stylesheet" href={theme.path} /> : null}
          {(head.stylesheets ?? []).map((href) => (
            <link rel="stylesheet" href={href} />
          ))}
          <link rel="icon" href="/static/icon.svg" type="image/svg+xml" />
        </head>
        <body>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="site-header">
            <div class="wrap">
              <a class="site-name" href="/">
                {site.logo ? (
                  // The name follows as text: the image adds nothing for a screen reader.
                  <img src={logoPath(site.logo)} width={site.logo.width} height={site.logo.height} alt="" />
                ) : null}
                <span>{site.name}</span>
              </a>
              <form class="site-search" method="get" action="/search" role="search" aria-label="Site search">
                <label class="visually-hidden" for="site-search">
                  Search the articles
                </label>
                <input id="site-search" type="search" name="q" placeholder="Search" />
                <button type="submit">Search</button>
              </form>
              <nav aria-label="Main">
                <ul>
                  {menu(site).map((item) => (
                    <li>
                      <a
                        href={item.url}
                        aria-current={item.url === (head.current ?? head.feeds) ? 'page' : undefined}
                      >
                        {item.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            </div>
          </header>
          <main id="main" class="wrap">
            {props.children}
          </main>
          <footer class="site-footer">
            <div class="wrap">
              <p>
                {site.name} republishes articles from their publishers' public feeds. Every article names its
                source and links to the original; all rights remain with their owners.{' '}
                <a href="/takedown">Ask for removal or contact us</a>.
              </p>
            </div>
          </footer>
        </body>
      </html>
    </>
  );
}

/** The most sections the default menu lists; the Sources page lists them all. */
const MENU_SECTIONS = 6;

/**
 * The menu: the operator's items, or Latest, the site's sections and Sources; then About and
 * Contact, always, since readers and publishers must be able to find who runs the site and how to
 * ask for a removal.
 */
function menu(site: Config['site']): Array<{ label: string; url: string }> {
  const own = site.menu.length
    ? site.menu
    : [
        { label: 'Latest', url: '/' },
        ...site.sections.slice(0, MENU_SECTIONS),
        { label: 'Sources', url: '/sources' },
      ];
  return [...own, { label: 'About', url: '/about' }, { label: 'Contact', url: '/takedown' }];
}
