/** An operator who may sign in to the admin area. */
export interface User {
  id: number;
  name: string;
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
