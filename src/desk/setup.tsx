import type { Context, Hono } from 'hono';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { userNameProblem } from '../model/user.js';
import type { Store } from '../store/index.js';
import { sameSecret } from '../takedown/tokens.js';
import { readForm, type formGuards } from '../web/forms.js';
import { Layout } from '../web/layout.js';
import type { DeskDeps, DeskEnv } from './context.js';
import type { Site } from './layout.js';
import type { AdminSessions } from './session.js';

/**
 * The first run: while no one can sign in, the desk can make its first administrator from the
 * browser, through a link that `courtesy serve` prints at start. The link carries a key that every
 * process on the database shares and no page shows, so that only whoever runs the site (and reads
 * what it prints) can use it; once there is a user, the page is gone.
 */
export async function setupLink(store: Store, baseUrl: string): Promise<string | null> {
  if ((await store.users.list()).length > 0) return null;
  return `${baseUrl}/admin/setup?key=${await setupKey(store)}`;
}

async function setupKey(store: Store): Promise<string> {
  return (await store.secret('desk-setup')).slice(0, 32);
}

export function registerSetup(
  admin: Hono<DeskEnv>,
  { store, config, formTokens }: DeskDeps,
  sessions: AdminSessions,
  guards: ReturnType<typeof formGuards>,
): void {
  const site = config.site;
  const page = async (c: Context, key: string, typed: { name: string; problem: string | null }) =>
    c.html(
      <SetupPage
        site={site}
        csrf={await formTokens.issue(c)}
        setupKey={key}
        name={typed.name}
        problem={typed.problem}
      />,
      typed.problem ? 400 : 200,
    );
  const refused = (c: Context) =>
    c.html(
      <Layout site={site} head={{ title: 'Setup', noindex: true }}>
        <h1>This is not the setup link</h1>
        <p>
          Open the link that <code>courtesy serve</code> printed when it started, or add an administrator with{' '}
          <code>courtesy users add NAME</code>.
        </p>
      </Layout>,
      403,
    );
  const keyMatches = async (key: string | undefined) =>
    Boolean(key) && sameSecret(key!, await setupKey(store));

  admin.get('/setup', async (c) => {
    if ((await store.users.list()).length > 0) return c.redirect('/admin/login', 303);
    const key = c.req.query('key');
    if (!(await keyMatches(key))) return refused(c);
    return page(c, key!, { name: '', problem: null });
  });

  admin.post('/setup', guards, async (c) => {
    if ((await store.users.list()).length > 0) return c.redirect('/admin/login', 303);
    const fields = await readForm(c);
    if (!(await keyMatches(fields.key))) return refused(c);
    const key = fields.key!;
    const name = (fields.name ?? '').trim().slice(0, 200);
    const password = fields.password ?? '';
    if (!(await formTokens.check(c, fields.csrf)))
      return page(c, key, { name, problem: 'For your security, please send the form again.' });
    const problem =
      userNameProblem(name) ??
      passwordProblem(password, name) ??
      (password !== (fields.again ?? '') ? 'the two passwords differ' : null);
    if (problem) return page(c, key, { name, problem: `Not created: ${problem}.` });
    const now = new Date();
    await store.users.add(name, await hashPassword(password), now, 'admin');
    await store.rights.record(
      name,
      'add-user',
      `${name} as administrator (the first, from the setup link)`,
      now,
    );
    const signedIn = await sessions.signIn(name, password, now);
    if (!signedIn.ok) return c.redirect('/admin/login', 303);
    sessions.setCookie(c, signedIn.token, signedIn.session.expiresAt);
    return c.redirect('/admin', 303);
  });
}

function SetupPage(props: {
  site: Site;
  csrf: string;
  setupKey: string;
  name: string;
  problem: string | null;
}) {
  return (
    <Layout site={props.site} head={{ title: 'Setup', noindex: true }}>
      <form class="request-form login" method="post" action="/admin/setup" novalidate>
        <h1>The first administrator</h1>
        <p>
          No one can sign in to the desk yet. Choose your name and a password (12 characters or more): you
          will be signed in as the site’s administrator, and can add editors and rights reviewers from People.
        </p>
        {props.problem ? (
          <p class="error-summary" role="alert">
            {props.problem}
          </p>
        ) : null}
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="key" value={props.setupKey} />
        <div class="field">
          <label for="field-name">Name</label>
          <input id="field-name" name="name" autocomplete="username" value={props.name} required />
        </div>
        <div class="field">
          <label for="field-password">Password</label>
          <input id="field-password" name="password" type="password" autocomplete="new-password" required />
        </div>
        <div class="field">
          <label for="field-again">The password again</label>
          <input id="field-again" name="again" type="password" autocomplete="new-password" required />
        </div>
        <button type="submit">Create and sign in</button>
      </form>
    </Layout>
  );
}
