import type { Context, Hono } from 'hono';
import { clientAddress, readForm, type formGuards } from '../web/forms.js';
import { RateLimiter } from '../web/rate-limit.js';
import type { DeskDeps, DeskEnv } from './context.js';
import type { AdminSessions } from './session.js';
import { LoginPage } from './takedowns/pages.js';

/** Sign-in: a form token, a limit per address on top of the per-account lockout, then the password. */
export function registerSignIn(
  admin: Hono<DeskEnv>,
  { store, config, formTokens }: DeskDeps,
  sessions: AdminSessions,
  guards: ReturnType<typeof formGuards>,
): void {
  const site = config.site;
  // Per address, on top of the per-account lockout: slows down guessing across many accounts.
  const signIns = new RateLimiter(store, 'admin-sign-in', 20, 15 * 60_000);

  const loginPage = async (
    c: Context,
    name: string,
    message: string | null,
    next: string,
    status: 200 | 400 | 429 = 200,
  ) =>
    c.html(
      <LoginPage site={site} csrf={await formTokens.issue(c)} next={next} name={name} message={message} />,
      status,
    );

  admin.get('/login', async (c) =>
    loginPage(
      c,
      '',
      (await store.users.list()).length === 0
        ? 'No one can sign in yet. Open the setup link that courtesy serve printed when it started, or run courtesy users add NAME.'
        : null,
      safeNext(c.req.query('next')),
    ),
  );

  admin.post('/login', guards, async (c) => {
    const fields = await readForm(c);
    const name = (fields.name ?? '').trim().slice(0, 200);
    const next = safeNext(fields.next);
    if (!(await formTokens.check(c, fields.csrf)))
      return loginPage(c, name, 'For your security, please sign in again.', next, 400);
    const retryAfter = await signIns.hit(clientAddress(c, config.server.trustProxy));
    if (retryAfter !== null) {
      c.header('Retry-After', String(retryAfter));
      return loginPage(
        c,
        name,
        `Too many sign-in attempts from this address; try again in ${Math.ceil(retryAfter / 60)} minutes.`,
        next,
        429,
      );
    }
    const result = await sessions.signIn(name, fields.password ?? '');
    if (!result.ok) return loginPage(c, name, result.message, next, 400);
    sessions.setCookie(c, result.token, result.session.expiresAt);
    return c.redirect(next, 303);
  });
}

/** Where to go after signing in: only a path of the desk, never another site. */
export function safeNext(next: string | undefined): string {
  return next && /^\/admin(\/[A-Za-z0-9/_-]*)?$/.test(next) ? next : '/admin';
}
