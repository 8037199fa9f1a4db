/**
 * What a user may do at the desk: an administrator everything; an editor the sources and the
 * articles; a rights reviewer the takedown requests, rules and audit log only.
 */
export type Role = 'admin' | 'editor' | 'rights';
export const ROLES: readonly Role[] = ['admin', 'editor', 'rights'];

/** The desk's parts, each open to some roles. */
export type DeskArea = 'overview' | 'sources' | 'articles' | 'takedowns' | 'settings' | 'people';

const AREAS: Record<Role, readonly DeskArea[]> = {
  admin: ['overview', 'sources', 'articles', 'takedowns', 'settings', 'people'],
  editor: ['overview', 'sources', 'articles'],
  rights: ['overview', 'takedowns'],
};

export function mayUse(role: Role, area: DeskArea): boolean {
  return AREAS[role].includes(area);
}

export function roleName(role: Role): string {
  return role === 'admin' ? 'administrator' : role === 'editor' ? 'editor' : 'rights reviewer';
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** An operator who may sign in to the admin area. */
export interface User {
  id: number;
  name: string;
  role: Role;
  createdAt: Date;
  /** Failed sign-ins since the last success. */
  failedLogins: number;
  /** Sign-in is refused until then, after repeated failures. */
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
}

/** A signed-in session, found by its cookie. */
export interface Session {
  user: User;
  /** The token every form of the session carries. */
  csrfToken: string;
  expiresAt: Date;
}

/** Why a name cannot be a user's (letters, digits, . _ @ -, 1 to 64), or null when it can. */
export function userNameProblem(name: string): string | null {
  return /^[\p{L}\p{N}._@-]{1,64}$/u.test(name)
    ? null
    : 'a user name has 1 to 64 letters, digits, dots, dashes, underscores or @, and no spaces';
}
