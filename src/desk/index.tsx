import { Hono } from 'hono';
import type { DeskArea } from '../model/user.js';
import type { SiteRoutes } from '../web/app.js';
import { formGuards } from '../web/forms.js';
import { DESK_STYLESHEET } from './assets.js';
import { requireArea, type DeskContext, type DeskDeps, type DeskEnv } from './context.js';
import { ForbiddenDeskPage } from './forbidden.js';
import { registerArticleDesk } from './articles/routes.js';
import { registerOverview } from './overview.js';
import { registerPeopleDesk } from './people/routes.js';
import { registerSettingsDesk } from './settings/routes.js';
import { AdminSessions } from './session.js';
import { registerSetup } from './setup.js';
import { registerSignIn } from './sign-in.js';
import { IMPORT_BODY_LIMIT, IMPORT_PATH } from './sources/import-routes.js';
import { registerSourceDesk } from './sources/routes.js';
import { registerStoryDesk } from './stories/routes.js';
import { registerTakedownDesk } from './takedowns/routes.js';

export type { DeskDeps } from './context.js';
export { setupLink } from './setup.js';

/**
 * The operator's desk under /admin: the overview, the sources and their health, the articles (hide,
 * show, the review queue, the stories several sources carry), the takedown requests, rules and audit log, the site's settings, and
 * the people who may sign in. Every page needs a session, and each part a role that opens it; every change also needs the
 * session's CSRF token and a same-origin POST. Every page works without JavaScript.
 */
export function deskRoutes(deps: Omit<DeskDeps, 'formTokens' | 'outboxEnabled' | 'sendNotices'>): SiteRoutes {
  return (app, shared) => registerDesk(app, { ...deps, ...shared });
}

function registerDesk(app: Hono, deps: DeskDeps): void {
  const sessions = new AdminSessions(deps.store, deps.config);
  const guards = formGuards(deps.config.site.baseUrl, { [IMPORT_PATH]: IMPORT_BODY_LIMIT });
  const admin = new Hono<DeskEnv>();
  admin.use('*', async (c, next) => {
    await next();
    if (!c.req.path.startsWith('/admin/static/')) c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex, nofollow');
  });
  admin.get('/static/desk.css', (c) => {
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(DESK_STYLESHEET.css);
  });
  registerSignIn(admin, deps, sessions, guards);
  registerSetup(admin, deps, sessions, guards);
  // Every route after this needs a session.
  admin.use('*', guards, sessions.require());
  admin.post('/logout', async (c) => {
    await sessions.signOut(c);
    return c.redirect('/admin/login', 303);
  });
  const forbidden = (area: DeskArea) => (c: DeskContext) =>
    c.html(<ForbiddenDeskPage site={deps.config.site} session={c.get('session')} area={area} />, 403);
  for (const [area, paths] of AREA_PATHS)
    for (const path of paths) admin.use(path, requireArea(area, forbidden(area)));
  registerOverview(admin, deps);
  registerSourceDesk(admin, deps);
  registerArticleDesk(admin, deps);
  registerStoryDesk(admin, deps);
  registerTakedownDesk(admin, deps);
  registerSettingsDesk(admin, deps);
  registerPeopleDesk(admin, deps);
  // The desk's own address with a trailing slash, as people type it.
  app.get('/admin/', (c) => c.redirect('/admin', 301));
  app.route('/admin', admin);
}

/** Which paths each part of the desk holds, for the role check before their routes. */
const AREA_PATHS: ReadonlyArray<[DeskArea, readonly string[]]> = [
  ['sources', ['/sources', '/sources/*']],
  ['articles', ['/articles', '/articles/*', '/stories', '/stories/*']],
  [
    'takedowns',
    ['/requests', '/requests/*', '/counter-notices/*', '/rules', '/rules/*', '/log', '/outbox', '/outbox/*'],
  ],
  ['settings', ['/settings', '/settings/*']],
  ['people', ['/people', '/people/*']],
];
