import type { Hono } from 'hono';
import type { Entry, Withheld } from '../../model/entry.js';
import { sourceDisplayName, type Source } from '../../model/source.js';
import type { Session } from '../../model/user.js';
import type { StoryCopy, StorySummary } from '../../store/index.js';
import { formatDate } from '../../web/format.js';
import { readForm } from '../../web/forms.js';
import { NotFoundPage } from '../../web/pages/not-found.js';
import { articlePath } from '../../web/paths.js';
import {
  actor,
  checkedIds,
  doneMessage,
  idParam,
  type DeskContext,
  type DeskDeps,
  type DeskEnv,
  type DoneMessages,
} from '../context.js';
import { Csrf, DeskLayout, TableFrame, plural, type Site } from '../layout.js';
import { ArticleTabs } from '../articles/tabs.js';

const PER_PAGE = 30;

const DONE: DoneMessages = {
  split: (n) =>
    `Split ${plural(n, 'copy', 'copies')} off: listed on ${n === 1 ? 'its' : 'their'} own, and never folded into a story again.`,
  merged: (n) => `${plural(n, 'article')} joined this story: the site lists it once.`,
  same: 'That article is in this story already.',
};

/**
 * Stories on the desk (docs/stories.md): the articles that several sources carry, each shown once
 * on the site. The list, newest first; one story's copies with why each joined; splitting a copy
 * off for good and merging two stories, each logged in the audit log. Editors and administrators.
 */
export function registerStoryDesk(admin: Hono<DeskEnv>, { store, config }: DeskDeps): void {
  const site = config.site;

  admin.get('/stories', async (c) => {
    const before = idParam(c.req.query('before')) || undefined;
    // One more than a page says whether there is an older one.
    const found = await store.stories.recent({ limit: PER_PAGE + 1, before });
    const stories = found.slice(0, PER_PAGE);
    const sources = await store.sources.getMany(
      stories.flatMap((s) => s.copies.map((c) => c.entry.sourceId)),
    );
    return c.html(
      <StoriesPage
        site={site}
        session={c.get('session')}
        stories={stories}
        sources={sources}
        older={found.length > PER_PAGE ? stories[stories.length - 1]!.story : null}
        paged={before !== undefined}
      />,
    );
  });

  /** A story's copies by its id; for an article's number that is in no story, the article alone. */
  const copiesOf = async (id: number) => {
    const members = await store.stories.members(id);
    const copies = members.length > 0 ? members : await store.stories.copies(id, { includeWithheld: true });
    return { members, copies };
  };

  const storyPage = async (c: DeskContext, id: number, problem: string | null = null) => {
    const { members, copies } = await copiesOf(id);
    if (copies.length === 0)
      return c.html(<NotFoundPage site={site} what="There is no such story or article." />, 404);
    // An article's number: its story's page, or its own when it is alone.
    const story = copies[0]!.entry.story;
    if (members.length === 0 && typeof story === 'number') return c.redirect(`/admin/stories/${story}`, 303);
    const sources = await store.sources.getMany(copies.map((copy) => copy.entry.sourceId));
    return c.html(
      <StoryPage
        site={site}
        session={c.get('session')}
        id={id}
        copies={copies}
        sources={sources}
        message={doneMessage(c, DONE)}
        problem={problem}
      />,
      problem ? 400 : 200,
    );
  };
  admin.get('/stories/:id', (c) => storyPage(c, idParam(c.req.param('id'))));

  admin.post('/stories/:id/split', async (c) => {
    const id = idParam(c.req.param('id'));
    const ids = await checkedIds(c);
    if (ids.length === 0) return storyPage(c, id, 'Check the copies to split off first.');
    const members = new Set((await store.stories.members(id)).map((copy) => copy.entry.id));
    let n = 0;
    for (const entryId of ids)
      if (members.has(entryId) && (await store.stories.split(entryId, actor(c), new Date()))) n += 1;
    return c.redirect(`/admin/stories/${id}?done=split&n=${n}`, 303);
  });

  admin.post('/stories/:id/merge', async (c) => {
    const id = idParam(c.req.param('id'));
    const fields = await readForm(c);
    const other = articleNumber(fields.article ?? '');
    if (!other) return storyPage(c, id, 'Give the number of an article, or its address on this site.');
    const entry = await store.entries.get(other);
    if (!entry) return storyPage(c, id, `There is no article ${other}.`);
    const { members, copies } = await copiesOf(id);
    if (copies.length === 0)
      return c.html(<NotFoundPage site={site} what="There is no such story or article." />, 404);
    // A story's page merges the other article in; an article alone joins the other's story.
    const moved =
      members.length > 0
        ? await store.stories.merge(other, members[0]!.entry.id, actor(c), new Date())
        : await store.stories.merge(id, other, actor(c), new Date());
    const story = members.length > 0 ? id : (await store.entries.get(id))?.story;
    const to = `/admin/stories/${story ?? id}`;
    return c.redirect(moved === 0 ? `${to}?done=same` : `${to}?done=merged&n=${moved}`, 303);
  });
}

/**
 * The article a merge names: its number ("1234"), or its address on the site
 * ("https://site.example/articles/1234/a-title", "/articles/1234"); 0 for anything else.
 */
export function articleNumber(given: string): number {
  const text = given.trim();
  const match =
    /^([0-9]+)$/.exec(text) ?? /^(?:https?:\/\/[^/\s]+)?\/articles\/([0-9]+)(?:[/?#]\S*)?$/.exec(text);
  return match ? idParam(match[1]) : 0;
}

function sourceName(sources: Map<number, Source>, id: number): string {
  const source = sources.get(id);
  return source ? sourceDisplayName(source) : `source ${id}`;
}

/** "Gazette, Wire and 3 more". */
function namesOf(copies: readonly StoryCopy[], sources: Map<number, Source>): string {
  const names = [...new Set(copies.map((copy) => sourceName(sources, copy.entry.sourceId)))];
  if (names.length <= 3) return names.join(', ');
  return `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

function StoriesPage(props: {
  site: Site;
  session: Session;
  stories: StorySummary[];
  sources: Map<number, Source>;
  older: number | null;
  paged: boolean;
}) {
  const { site, stories, sources } = props;
  return (
    <DeskLayout site={site} title="Stories" session={props.session} area="articles">
      <h1>Stories</h1>
      <ArticleTabs current="stories" />
      <p role="status">
        {stories.length === 0
          ? props.paged
            ? 'No older stories.'
            : 'No article is carried by more than one source yet.'
          : `Articles carried by more than one source, the newest first. The site lists each once, its first published copy leading, and names every source that carries it.`}
      </p>
      {stories.length > 0 ? (
        <TableFrame label="Stories">
          <table class="desk-table stack">
            <thead>
              <tr>
                <th scope="col">Story</th>
                <th scope="col" class="num">
                  Copies
                </th>
                <th scope="col">Carried by</th>
                <th scope="col">First published</th>
              </tr>
            </thead>
            <tbody>
              {stories.map(({ story, copies }) => {
                const first = copies[0]!.entry;
                const shown = copies.filter((copy) => !copy.entry.withheld).length;
                return (
                  <tr>
                    <td>
                      <a href={`/admin/stories/${story}`}>{first.title ?? 'Untitled'}</a>
                    </td>
                    <td data-label="Copies" class="num">
                      {copies.length}
                      {shown < copies.length ? <div class="why">{shown} on the site</div> : null}
                    </td>
                    <td data-label="Carried by">{namesOf(copies, sources)}</td>
                    <td data-label="First published">{formatDate(first.sortAt, site.language)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableFrame>
      ) : null}
      {props.older !== null || props.paged ? (
        <nav class="pager" aria-label="Pages of stories">
          {props.paged ? <a href="/admin/stories">← Newest</a> : <span />}
          {props.older !== null ? <a href={`/admin/stories?before=${props.older}`}>Older →</a> : null}
        </nav>
      ) : null}
    </DeskLayout>
  );
}

const STATE_WORDS: Record<Withheld | 'shown', string> = {
  shown: 'on the site',
  hidden: 'hidden',
  held: 'waiting for review',
  filtered: 'filtered out',
};

function StoryPage(props: {
  site: Site;
  session: Session;
  id: number;
  copies: StoryCopy[];
  sources: Map<number, Source>;
  message: string | null;
  problem: string | null;
}) {
  const { site, copies, sources } = props;
  const alone = copies.length === 1 && !copies[0]!.entry.story;
  const first = copies[0]!.entry;
  const lead = copies.find((copy) => !copy.entry.withheld)?.entry ?? null;
  const title = first.title ?? 'Untitled';
  return (
    <DeskLayout
      site={site}
      title={alone ? `Article ${first.id}` : `Story: ${title}`}
      session={props.session}
      area="articles"
      message={props.message}
      problem={props.problem}
    >
      <p class="why">
        <a href="/admin/stories">← Stories</a>
      </p>
      <h1>{title}</h1>
      {alone ? (
        <p>
          No other source carries this article: it is listed on its own.
          {copies[0]!.note ? ` It was ${copies[0]!.note}, and is never folded again.` : null}
        </p>
      ) : (
        <p>
          {plural(copies.length, 'copy', 'copies')} from{' '}
          {plural(new Set(copies.map((copy) => copy.entry.sourceId)).size, 'source')}. The site lists the
          story once,{' '}
          {lead ? (
            <>
              led by <a href={articlePath(lead)}>{sourceName(sources, lead.sourceId)}’s copy</a>, the first
              published of those on the site
            </>
          ) : (
            'but no copy of it is on the site now'
          )}
          ; the article page names every source.
        </p>
      )}
      {alone ? null : (
        <form method="post" action={`/admin/stories/${props.id}/split`}>
          <Csrf session={props.session} />
          <fieldset class="bulk">
            <legend class="visually-hidden">With the checked copies</legend>
            <span>With the checked copies:</span>
            <button type="submit" class="secondary">
              Split off for good
            </button>
          </fieldset>
          <CopyTable copies={copies} sources={sources} language={site.language} />
        </form>
      )}
      <form method="post" action={`/admin/stories/${props.id}/merge`} class="filters">
        <Csrf session={props.session} />
        <div class="field">
          <label for="merge-article">
            {alone ? 'Put it into the story of another article' : 'Add another article to this story'}
          </label>
          <input
            id="merge-article"
            name="article"
            inputmode="url"
            autocomplete="off"
            aria-describedby="merge-help"
            required
          />
          <div class="why" id="merge-help">
            Its number or its address on this site (/articles/1234/…). An article in another story brings that
            story with it.
          </div>
        </div>
        <button type="submit">Merge</button>
      </form>
    </DeskLayout>
  );
}

function CopyTable({
  copies,
  sources,
  language,
}: {
  copies: StoryCopy[];
  sources: Map<number, Source>;
  language: string;
}) {
  return (
    <TableFrame label="Copies of the story">
      <table class="desk-table stack">
        <thead>
          <tr>
            <th scope="col" class="select">
              <span class="visually-hidden">Select</span>
            </th>
            <th scope="col">Copy</th>
            <th scope="col">Source</th>
            <th scope="col">Published</th>
            <th scope="col">Why it is here</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {copies.map(({ entry, note }, i) => (
            <tr>
              <td class="select">
                <input
                  type="checkbox"
                  name="id"
                  value={String(entry.id)}
                  aria-label={`Select the copy of ${sourceName(sources, entry.sourceId)}`}
                />
              </td>
              <td>
                <CopyLinks entry={entry} />
              </td>
              <td data-label="Source">
                <a href={`/admin/sources/${entry.sourceId}`}>{sourceName(sources, entry.sourceId)}</a>
              </td>
              <td data-label="Published">{formatDate(entry.sortAt, language)}</td>
              <td data-label="Why it is here">
                {i === 0 ? 'first published' : null}
                {i === 0 && note ? '; ' : null}
                {note ?? (i === 0 ? null : 'began the story: the others joined it')}
              </td>
              <td data-label="State">
                <span
                  class={`state state-${!entry.withheld ? 'ok' : entry.withheld === 'hidden' ? 'bad' : 'warn'}`}
                >
                  {STATE_WORDS[entry.withheld ?? 'shown']}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

function CopyLinks({ entry }: { entry: Entry }) {
  const title = entry.title ?? 'Untitled';
  return (
    <>
      {entry.withheld ? title : <a href={articlePath(entry)}>{title}</a>}
      <div class="why url">
        No. {entry.id}
        {entry.url ? (
          <>
            {' · '}
            <a href={entry.url} rel="noopener noreferrer">
              {entry.url}
            </a>
          </>
        ) : null}
      </div>
    </>
  );
}
