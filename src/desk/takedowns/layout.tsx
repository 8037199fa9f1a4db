import type { Child } from 'hono/jsx';
import type { Session } from '../../model/user.js';
import { DeskLayout, type Site } from '../layout.js';

export type TakedownPart = 'requests' | 'rules' | 'log' | 'outbox';

const PARTS: ReadonlyArray<[TakedownPart, string, string]> = [
  ['requests', '/admin/requests', 'Requests'],
  ['rules', '/admin/rules', 'Rules'],
  ['log', '/admin/log', 'Audit log'],
  ['outbox', '/admin/outbox', 'Outbox'],
];

/** The takedown part of the desk: the desk's frame, with the part's own menu (the current page marked). */
export function TakedownLayout(props: {
  site: Site;
  title: string;
  session: Session;
  current: TakedownPart;
  message?: string | null;
  problem?: string | null;
  children?: Child;
}) {
  return (
    <DeskLayout
      site={props.site}
      title={props.title}
      session={props.session}
      area="takedowns"
      message={props.message}
      problem={props.problem}
    >
      <nav class="desk-subnav" aria-label="Takedowns">
        <ul>
          {PARTS.map(([part, href, label]) => (
            <li>
              <a href={href} aria-current={part === props.current ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {props.children}
    </DeskLayout>
  );
}
