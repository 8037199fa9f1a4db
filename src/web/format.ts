import { slug } from '../model/slug.js';
import { sourceLanguage, type Source } from '../model/source.js';

const dateFormats = new Map<string, Intl.DateTimeFormat | null>();

/** Dates as readers see them, in the site's language, always with the time zone named. */
export function formatDate(date: Date, language: string): string {
  // Building a DateTimeFormat costs far more than using one: one per language, kept.
  let format = dateFormats.get(language);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    } catch {
      format = null;
    }
    dateFormats.set(language, format);
  }
  return format ? `${format.format(date)} UTC` : date.toUTCString();
}

/** A short, readable URL slug from a title ("article" when nothing readable is left). */
export function slugify(title: string | null): string {
  return slug(title) || 'article';
}

/** The `lang` a source's words need on a page of the site: its language where it differs from the site's. */
export function articleLanguage(
  source: Pick<Source, 'language' | 'feedLanguage'>,
  siteLanguage: string,
): string | undefined {
  const lang = sourceLanguage(source);
  return lang && lang.toLowerCase() !== siteLanguage.toLowerCase() ? lang : undefined;
}
