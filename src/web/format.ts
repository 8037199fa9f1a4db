import { slug } from '../model/slug.js';

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
