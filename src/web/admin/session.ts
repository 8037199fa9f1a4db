import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { decoyHash, verifyPassword } from '../../auth/passwords.js';
import type { Config } from '../../config/index.js';
import type { Session } from '../../model/user.js';
import type { Store } from '../../store/index.js';
import { hashToken, newToken, sameSecret } from '../../takedown/tokens.js';

export type SignIn =
  { ok: true; token: string; session: Session } | { ok: false; message: string; locked?: boolean };

/**
 * Operators' sessions: a random token in an HttpOnly, SameSite=Strict cookie (Secure, with the
 * __Host- prefix, when the site is served over https), kept in the store only as its sha256, with
 * a CSRF token of its own that every admin form carries. Repeated failed sign-ins lock the
 * account for a while.
 */
export class AdminSessions {
  readonly cookieName: string;
  private readonly secure: boolean;

  constructor(
    private readonly store: Store,
    private readonly config: Config,
  ) {
    this.secure = new URL(config.site.baseUrl).protocol === 'https:';
    this.cookieName = this.secure ? '__Host-courtesy_session' : 'courtesy_session';
  }

  async signIn(name: string, password: string, now = new Date()): Promise<SignIn> {
    const failed = { ok: false as const, message: 'The name or the password is wrong.' };
    const user = name ? await this.store.users.findByName(name) : null;
    if (!user) {
      // As long as a real check, so that the answer does not tell which names exist.
      await verifyPassword(password, await decoyHash());
      return failed;
    }
    if (user.lockedUntil && user.lockedUntil > now) {
      return {
        ok: false,
        locked: true,
        message: `Too many failed sign-ins: this account is locked until ${user.lockedUntil.toISOString().slice(11, 16)} UTC.`,
      };
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      const { lockoutAfter, lockoutMs } = this.config.admin;
      const after = await this.store.users.recordFailure(
        user.id,
        lockoutAfter,
        new Date(now.getTime() + lockoutMs),
      );
      if (after.lockedUntil && after.lockedUntil > now) {
        return {
          ok: false,
          locked: true,
          message: `Too many failed sign-ins: this account is locked for ${Math.round(lockoutMs / 60_000)} minutes.`,
        };
      }
      return failed;
    }
    await this.store.users.recordSuccess(user.id, now);
    const token = newToken();
    const csrfToken = newToken();
    const expiresAt = new Date(now.getTime() + this.config.admin.sessionMs);
    await this.store.users.createSession(user.id, hashToken(token), csrfToken, now, expiresAt);
    await this.store.users.purgeSessions(now);
    const plain = {
      id: user.id,
      name: user.name,
      createdAt: user.createdAt,
      failedLogins: 0,
      lockedUntil: null,
      lastLoginAt: now,
    };
    return { ok: true, token, session: { user: plain, csrfToken, expiresAt } };
  }

  setCookie(c: Context, token: string, expiresAt: Date): void {
    setCookie(c, this.cookieName, token, {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'Strict',
      path: '/',
      expires: expiresAt,
    });
  }

  async signOut(c: Context): Promise<void> {
    const token = getCookie(c, this.cookieName);
    if (token) await this.store.users.endSession(hashToken(token));
    deleteCookie(c, this.cookieName, { path: '/', secure: this.secure });
  }

  async current(c: Context): Promise<Session | null> {
    const token = getCookie(c, this.cookieName);
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    return this.store.users.session(hashToken(token), new Date());
  }

  /**
   * Admin pages need a session (else: to the sign-in page); admin POSTs also need the session's
   * CSRF token in the form's "csrf" field.
   */
  require(): MiddlewareHandler<{ Variables: { session: Session } }> {
    return async (c, next) => {
      const session = await this.current(c);
      if (!session) {
        if (c.req.method === 'GET') {
          return c.redirect(`/admin/login?next=${encodeURIComponent(c.req.path)}`, 303);
        }
        return c.text('Your session has ended; please sign in again.', 401);
      }
      if (c.req.method === 'POST') {
        const body = await c.req.parseBody();
        const token = typeof body.csrf === 'string' ? body.csrf : '';
        if (!sameSecret(token, session.csrfToken))
          return c.text('The form’s security token is wrong or missing.', 403);
      }
      c.set('session', session);
      await next();
    };
  }
}
