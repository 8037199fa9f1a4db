import type { Config } from '../config/index.js';
import type { FacetKind } from '../model/facets.js';
import { removesSource } from '../model/rights.js';
import type { Store } from '../store/index.js';
import { facetPath } from './paths.js';
import { groupSections, sectionPath } from './sections.js';
import { xmlText } from './xml.js';

/** The most URLs one sitemap file may list (sitemaps.org). */
export const SITEMAP_LIMIT = 50_000;

interface Part {
  name: string;
  count: number;
  urls(offset: number, limit: number): Promise<Array<{ loc: string; lastmod: Date | null }>>;
}

/**
 * The sitemap lists the pages that are this site's own: the home page, the sources, the sections, and the
 * authors' and tags' pages. Republished articles are left out on purpose: their pages either ask
 * search engines not to index them or name the original as canonical (site.search_engines), and a
 * sitemap must list only indexable, canonical pages. Past 50,000 URLs, /sitemap.xml becomes an
 * index of /sitemaps/NAME-N.xml files.
 */
export class Sitemap {
  constructor(
    private readonly store: Store,
    private readonly site: Config['site'],
  ) {}

  private async parts(): Promise<Part[]> {
    const base = this.site.baseUrl;
    // A source removed as a whole at its publisher's request answers 410: not a page to list.
    const rules = await this.store.rights.listRules();
    const sources = (await this.store.sources.listPublishing()).filter(
      (s) => !rules.some((rule) => removesSource(rule, s)),
    );
    const facet = async (kind: FacetKind): Promise<Part> => ({
      name: kind === 'author' ? 'authors' : 'tags',
      count: await this.store.entries.countFacets(kind),
      urls: async (offset, limit) =>
        (await this.store.entries.facetKeys(kind, offset, limit)).map((f) => ({
          loc: `${base}${facetPath(kind, f.key)}`,
          lastmod: f.lastAt,
        })),
    });
    const pages = [
      { loc: `${base}/`, lastmod: null },
      { loc: `${base}/sources`, lastmod: null },
      { loc: `${base}/about`, lastmod: null },
      ...sources.map((s) => ({ loc: `${base}/sources/${s.id}`, lastmod: s.lastSuccessAt })),
      ...groupSections(sources).map((section) => ({ loc: `${base}${sectionPath(section)}`, lastmod: null })),
    ];
    return [
      { name: 'pages', count: pages.length, urls: (o, l) => Promise.resolve(pages.slice(o, o + l)) },
      await facet('author'),
      await facet('tag'),
    ];
  }

  /** /sitemap.xml: every URL when they fit in one file, else the index. */
  async root(): Promise<string> {
    const parts = await this.parts();
    const total = parts.reduce((n, p) => n + p.count, 0);
    if (total <= SITEMAP_LIMIT) {
      const urls = (await Promise.all(parts.map((p) => p.urls(0, p.count)))).flat();
      return urlset(urls);
    }
    const files = parts.flatMap((p) =>
      Array.from(
        { length: Math.ceil(p.count / SITEMAP_LIMIT) },
        (_, i) => `${this.site.baseUrl}/sitemaps/${p.name}-${i + 1}.xml`,
      ),
    );
    return (
      '<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' +
      files.map((f) => `<sitemap><loc>${xmlText(f)}</loc></sitemap>`).join('') +
      '</sitemapindex>\n'
    );
  }

  /** /sitemaps/NAME-N.xml, or null when there is no such file. */
  async file(name: string, n: number): Promise<string | null> {
    const part = (await this.parts()).find((p) => p.name === name);
    if (!part || n < 1 || (n - 1) * SITEMAP_LIMIT >= Math.max(part.count, 1)) return null;
    return urlset(await part.urls((n - 1) * SITEMAP_LIMIT, SITEMAP_LIMIT));
  }
}

function urlset(urls: Array<{ loc: string; lastmod: Date | null }>): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' +
    urls
      .map(
        (u) =>
          `<url><loc>${xmlText(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod.toISOString()}</lastmod>` : ''}</url>`,
      )
      .join('') +
    '</urlset>\n'
  );
}
