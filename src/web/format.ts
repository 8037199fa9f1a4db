/** Dates as readers see them, in the site's language, always with the time zone named. */
export function formatDate(date: Date, language: string): string {
  try {
    return (
      new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(
        date,
      ) + ' UTC'
    );
  } catch {
    return date.toUTCString();
  }
}

/** A short, readable URL slug from a title. */
export function slugify(title: string | null): string {
  const slug = (title ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'article';
}

export function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}
