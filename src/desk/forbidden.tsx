import { roleName, type DeskArea, type Session } from '../model/user.js';
import { DeskLayout, type Site } from './layout.js';

const AREA_NAMES: Record<DeskArea, string> = {
  overview: 'the overview',
  sources: 'the sources',
  articles: 'the articles',
  takedowns: 'the takedown requests, rules and audit log',
  settings: 'the site’s settings',
  people: 'the people who may sign in',
};

/** A part of the desk the user's role does not open: says so, and who can change it. */
export function ForbiddenDeskPage(props: { site: Site; session: Session; area: DeskArea }) {
  return (
    <DeskLayout site={props.site} title="Not for your role" session={props.session} area="overview">
      <h1>Not for your role</h1>
      <p>
        As {roleName(props.session.user.role)}, you cannot open {AREA_NAMES[props.area]}. An administrator can
        change your role on the People page.
      </p>
      <p>
        <a href="/admin">Back to the overview</a>
      </p>
    </DeskLayout>
  );
}
