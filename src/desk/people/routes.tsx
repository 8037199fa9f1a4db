import type { Hono } from 'hono';
import { hashPassword, passwordProblem } from '../../auth/passwords.js';
import {
  ROLES,
  isRole,
  roleName,
  userNameProblem,
  type Role,
  type Session,
  type User,
} from '../../model/user.js';
import { readForm } from '../../web/forms.js';
import {
  actor,
  doneMessage,
  type DeskContext,
  type DeskDeps,
  type DeskEnv,
  type DoneMessages,
} from '../context.js';
import { Csrf, DeskLayout, TableFrame, type Site } from '../layout.js';
import { ago } from '../time.js';

const DONE: DoneMessages = {
  added: 'Added. They can sign in now with the password you chose; ask them to keep it to themselves.',
  role: 'Role changed: it applies to their next page.',
  password: 'Password set: their sessions are ended and any lockout is lifted.',
  removed: 'Removed: their sessions are ended.',
};

const ROLE_HINTS: Record<Role, string> = {
  admin: 'everything, people included',
  editor: 'sources and articles',
  rights: 'takedown requests, rules and the audit log',
};

/** People: who may sign in and with what role; adding, changing a role, setting a password, removing. */
export function registerPeopleDesk(admin: Hono<DeskEnv>, { store, config }: DeskDeps): void {
  const site = config.site;
  const page = async (
    c: DeskContext,
    problem: string | null = null,
    typed: { name?: string; role?: Role } = {},
  ) =>
    c.html(
      <PeoplePage
        site={site}
        session={c.get('session')}
        users={await store.users.list()}
        now={new Date()}
        message={doneMessage(c, DONE)}
        problem={problem}
        typed={typed}
      />,
      problem ? 400 : 200,
    );
  admin.get('/people', (c) => page(c));

  admin.post('/people', async (c) => {
    const fields = await readForm(c);
    const name = (fields.name ?? '').trim();
    const role = isRole(fields.role) ? fields.role : 'editor';
    const password = fields.password ?? '';
    const problem = userNameProblem(name) ?? passwordProblem(password, name);
    if (problem) return page(c, `Not added: ${problem}.`, { name, role });
    if (await store.users.findByName(name))
      return page(c, `Not added: there is already a user named ${name}.`, { name, role });
    await store.users.add(name, await hashPassword(password), new Date(), role);
    await store.rights.record(actor(c), 'add-user', `${name} as ${roleName(role)}`, new Date());
    return c.redirect('/admin/people?done=added', 303);
  });

  admin.post('/people/:name', async (c) => {
    const user = await store.users.findByName(c.req.param('name'));
    if (!user) return page(c, 'There is no such user.');
    const fields = await readForm(c);
    const self = user.id === c.get('session').user.id;
    const admins = (await store.users.list()).filter((u) => u.role === 'admin').length;
    const now = new Date();
    if (fields.action === 'role') {
      if (!isRole(fields.role)) return page(c, 'Choose a role.');
      if (user.role === 'admin' && fields.role !== 'admin' && admins <= 1)
        return page(c, `${user.name} is the only administrator: make someone else one first.`);
      await store.users.setRole(user.name, fields.role);
      await store.rights.record(actor(c), 'set-role', `${user.name}: ${roleName(fields.role)}`, now);
      return c.redirect('/admin/people?done=role', 303);
    }
    if (fields.action === 'password') {
      const password = fields.password ?? '';
      const problem = passwordProblem(password, user.name);
      if (problem) return page(c, `Password not set: ${problem}.`);
      await store.users.setPassword(user.name, await hashPassword(password));
      await store.rights.record(actor(c), 'set-password', user.name, now);
      return c.redirect(self ? '/admin/login' : '/admin/people?done=password', 303);
    }
    if (fields.action === 'remove') {
      if (self) return page(c, 'You cannot remove yourself; another administrator can.');
      if (user.role === 'admin' && admins <= 1) return page(c, `${user.name} is the only administrator.`);
      await store.users.remove(user.name);
      await store.rights.record(actor(c), 'remove-user', user.name, now);
      return c.redirect('/admin/people?done=removed', 303);
    }
    return page(c, 'Choose what to change.');
  });
}

function PeoplePage(props: {
  site: Site;
  session: Session;
  users: User[];
  now: Date;
  message: string | null;
  problem: string | null;
  typed: { name?: string; role?: Role };
}) {
  const { session, now } = props;
  return (
    <DeskLayout
      site={props.site}
      title="People"
      session={session}
      area="people"
      message={props.message}
      problem={props.problem}
    >
      <h1>People</h1>
      <p>
        Everyone here may sign in to the desk; each role opens a part of it. Every change is in the audit log.
      </p>
      <TableFrame label="People">
        <table class="desk-table stack">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Password</th>
              <th scope="col">Remove</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => (
              <PersonRow user={u} session={session} now={now} />
            ))}
          </tbody>
        </table>
      </TableFrame>
      <AddPersonForm session={session} typed={props.typed} />
    </DeskLayout>
  );
}

/** One person: their role, a new password, removal (never of oneself). */
function PersonRow({ user: u, session, now }: { user: User; session: Session; now: Date }) {
  const action = `/admin/people/${encodeURIComponent(u.name)}`;
  return (
    <tr>
      <td>
        {u.name}
        {u.id === session.user.id ? ' (you)' : ''}
        {u.lockedUntil && u.lockedUntil > now ? <div class="why">locked after failed sign-ins</div> : null}
      </td>
      <td data-label="Role">
        <form method="post" action={action} class="inline">
          <Csrf session={session} />
          <input type="hidden" name="action" value="role" />
          <label for={`role-${u.id}`} class="visually-hidden">
            Role of {u.name}
          </label>
          <select id={`role-${u.id}`} name="role">
            {ROLES.map((r) => (
              <option value={r} selected={u.role === r}>
                {roleName(r)}
              </option>
            ))}
          </select>{' '}
          <button type="submit" class="secondary">
            Change
          </button>
        </form>
      </td>
      <td data-label="Last sign-in">{ago(u.lastLoginAt, now)}</td>
      <td data-label="Password">
        <form method="post" action={action} class="inline">
          <Csrf session={session} />
          <input type="hidden" name="action" value="password" />
          <label for={`password-${u.id}`} class="visually-hidden">
            New password for {u.name}
          </label>
          <input
            id={`password-${u.id}`}
            name="password"
            type="password"
            autocomplete="new-password"
            placeholder="new password"
          />{' '}
          <button type="submit" class="secondary">
            Set
          </button>
        </form>
      </td>
      <td data-label="Remove">
        {u.id === session.user.id ? (
          '–'
        ) : (
          <form method="post" action={action}>
            <Csrf session={session} />
            <input type="hidden" name="action" value="remove" />
            <button type="submit" class="secondary" aria-label={`Remove ${u.name}`}>
              Remove
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

function AddPersonForm({ session, typed }: { session: Session; typed: { name?: string; role?: Role } }) {
  return (
    <form class="settings request-form" method="post" action="/admin/people" novalidate>
      <h2>Add someone</h2>
      <Csrf session={session} />
      <div class="field">
        <label for="new-name">Name to sign in with</label>
        <input id="new-name" name="name" value={typed.name ?? ''} autocomplete="off" required />
      </div>
      <fieldset class="field">
        <legend>Role</legend>
        {ROLES.map((r) => (
          <div class="choice">
            <input
              type="radio"
              id={`new-role-${r}`}
              name="role"
              value={r}
              checked={(typed.role ?? 'editor') === r}
            />
            <label for={`new-role-${r}`}>
              {roleName(r)}: {ROLE_HINTS[r]}
            </label>
          </div>
        ))}
      </fieldset>
      <div class="field">
        <label for="new-password">Password</label>
        <p class="hint" id="new-password-hint">
          At least 12 characters; give it to them in person or through a password manager.
        </p>
        <input
          id="new-password"
          name="password"
          type="password"
          autocomplete="new-password"
          aria-describedby="new-password-hint"
          required
        />
      </div>
      <button type="submit">Add</button>
    </form>
  );
}
