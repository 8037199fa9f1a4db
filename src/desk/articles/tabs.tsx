import type { Withheld } from '../../model/entry.js';

/** The tabs of the articles' part of the desk: every article, the withheld ones by why, and the stories. */
export type ArticleTab = 'all' | Withheld | 'stories';

const TABS: ReadonlyArray<[ArticleTab, string, string]> = [
  ['all', 'All articles', '/admin/articles'],
  ['held', 'Waiting for review', '/admin/articles?show=held'],
  ['hidden', 'Hidden', '/admin/articles?show=hidden'],
  ['filtered', 'Filtered out', '/admin/articles?show=filtered'],
  ['stories', 'Stories', '/admin/stories'],
];

export function ArticleTabs({ current }: { current: ArticleTab }) {
  return (
    <nav aria-label="Which articles">
      <ul class="tabs">
        {TABS.map(([value, label, href]) => (
          <li>
            <a href={href} aria-current={value === current ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
