import type { Entry } from '../model/entry.js';
import { slugify } from './format.js';

export function articlePath(entry: Pick<Entry, 'id' | 'title'>): string {
  return `/articles/${entry.id}/${slugify(entry.title)}`;
}
