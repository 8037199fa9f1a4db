import type { Child } from 'hono/jsx';
import type { Config } from '../config/index.js';
import { mayUse, roleName, type DeskArea, type Session } from '../model/user.js';
import { Layout } from '../web/layout.js';
import { DESK_STYLESHEET } from './assets.js';

export type Site = Config['site'];

/** The desk's menu: each part a role opens, in the order of a working day. */
const MENU: ReadonlyArray<{ area: DeskArea; href: string; label: string }> = [
  { area: 'overview', href: '/admin', label: 'Overview' },
  { area: 'sources', href: '/admin/sources', label: 'Sources' },
  { area: 'articles', href: '/admin/articles', label: 'Articles' },
  { area: 'takedowns', href: '/admin/requests', label: 'Takedowns' },
  { area: 'settings', href: '/admin/settings', label: 'Settings' },
  { area: 'people', href: '/admin/people', label: 'People' },
];

/**
 * The desk's frame: the site's layout with the desk's stylesheet, its menu (the current part
 * marked), who is signed in, and the message a change left (role=status, read out once).
 */
export function DeskLayout(props: {
  site: Site;
  title: string;
  session: Session;
  /** The menu entry to mark as the current page. */
  area: DeskArea;
  message?: string | null;
  /** A message about something that went wrong: role=alert. */
  problem?: string | null;
  children?: Child;
}) {
  const { session } = props;
  return (
    <Layout
      site={props.site}
      head={{ title: `Desk: ${props.title}`, noindex: true, stylesheets: [DESK_STYLESHEET.path] }}
    >
      <nav class="desk-nav" aria-label="Desk">
        <ul>
          {MENU.filter((m) => mayUse(session.user.role, m.area)).map((m) => (
            <li>
              <a href={m.href} aria-current={m.area === props.area ? 'page' : undefined}>
                {m.label}
              </a>
            </li>
          ))}
        </ul>
        <form method="post" action="/admin/logout" class="desk-user">
          <input type="hidden" name="csrf" value={session.csrfToken} />
          <span>
            {session.user.name}, {roleName(session.user.role)}
          </span>{' '}
          <button type="submit" class="secondary">
            Sign out
          </button>
        </form>
      </nav>
      {props.problem ? (
        <p class="notice problem" role="alert">
          {props.problem}
        </p>
      ) : null}
      {props.message ? (
        <p class="notice" role="status">
          {props.message}
        </p>
      ) : null}
      {props.children}
    </Layout>
  );
}

/** A hidden CSRF field for the session's forms. */
export function Csrf({ session }: { session: Session }) {
  return <input type="hidden" name="csrf" value={session.csrfToken} />;
}

/** "1 article", "2 articles". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** A table that scrolls sideways inside its own frame on a narrow screen, instead of the page. */
export function TableFrame(props: { label: string; children?: Child }) {
  return (
    <div class="table-frame" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}
