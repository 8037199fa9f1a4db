import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { decoyHash, verifyPassword } from '../auth/passwords.js';
import type { Config } from '../config/index.js';
import type { Session } from '../model/user.js';
import type { SignInAttempt, Store } from '../store/index.js';
import { hashToken, newToken, sameSecret } from '../takedown/tokens.js';

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
  /** Sign-ins under names that have no account, counted as an account's are (see signIn). */
  private readonly unknownNames = new UnknownNames();

  constructor(
    private readonly store: Store,
    private readonly config: Config,
  ) {
    this.secure = new URL(config.site.baseUrl).protocol === 'https:';
    this.cookieName = this.secure ? '__Host-courtesy_session' : 'courtesy_session';
  }

  async signIn(name: string, password: string, now = new Date()): Promise<SignIn> {
    const failed = { ok: false as const, message: 'The name or the password is wrong.' };
    const { lockoutAfter, lockoutMs } = this.config.admin;
    const lockUntil = new Date(now.getTime() + lockoutMs);
    const user = name ? await this.store.users.findByName(name) : null;
    if (!user) {
      // Counted and locked as a real account would be, and as long as a real check, so that
      // neither the answer nor its time tells which names exist.
      const attempt = this.unknownNames.begin(name, now, lockoutAfter, lockUntil);
      if (!attempt.admitted) return lockedOut(attempt.lockedUntil!);
      await verifyPassword(password, await decoyHash());
      return attempt.locked ? lockedFor(lockoutMs) : failed;
    }
    // Counted before the password is checked, in one step with the lock's check: sign-ins made at
    // once cannot all pass the check before any of them is counted.
    const attempt = await this.store.users.beginSignIn(user.id, now, lockoutAfter, lockUntil);
    if (!attempt.admitted) return lockedOut(attempt.lockedUntil ?? lockUntil);
    if (!(await verifyPassword(password, user.passwordHash))) {
      return attempt.locked ? lockedFor(lockoutMs) : failed;
    }
    await this.store.users.recordSuccess(user.id, now, attempt);
    const token = newToken();
    const csrfToken = newToken();
    const expiresAt = new Date(now.getTime() + this.config.admin.sessionMs);
    await this.store.users.createSession(user.id, hashToken(token), csrfToken, now, expiresAt);
    await this.store.users.purgeSessions(now);
    const plain = {
      id: user.id,
      name: user.name,
      role: user.role,
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

function lockedOut(until: Date): SignIn {
  return {
    ok: false,
    locked: true,
    message: `Too many failed sign-ins: this account is locked until ${until.toISOString().slice(11, 16)} UTC.`,
  };
}

function lockedFor(lockoutMs: number): SignIn {
  return {
    ok: false,
    locked: true,
    message: `Too many failed sign-ins: this account is locked for ${Math.round(lockoutMs / 60_000)} minutes.`,
  };
}

/** How many names without an account are remembered at once; the oldest are forgotten first. */
const UNKNOWN_NAMES_KEPT = 10_000;

/**
 * Failed sign-ins under names that have no account, in this process, counted and locked as
 * UserRepository.beginSignIn counts an account's: an unknown name then locks after as many tries,
 * with the same words, as a real one.
 */
class UnknownNames {
  private readonly names = new Map<string, { failures: number; lockedUntil: Date | null }>();

  begin(name: string, now: Date, lockAfter: number, lockUntil: Date): SignInAttempt {
    const key = name.toLowerCase();
    const known = this.names.get(key) ?? { failures: 0, lockedUntil: null };
    this.names.delete(key);
    this.names.set(key, known);
    if (this.names.size > UNKNOWN_NAMES_KEPT) this.names.delete(this.names.keys().next().value!);
    if (known.lockedUntil && known.lockedUntil > now) {
      return { admitted: false, lockedUntil: known.lockedUntil, locked: false };
    }
    known.failures++;
    known.lockedUntil = null;
    if (known.failures < lockAfter) return { admitted: true, lockedUntil: null, locked: false };
    known.failures = 0;
    known.lockedUntil = lockUntil;
    return { admitted: true, lockedUntil: lockUntil, locked: true };
  }
}
