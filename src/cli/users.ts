import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { UsageError } from '../model/errors.js';
import { ROLES, isRole, roleName, userNameProblem, type Role } from '../model/user.js';
import { withAppContext, type GlobalOptions } from './context.js';
import { print, relative, table } from './output.js';

/** `courtesy users`: the operators who may sign in to /admin. */
export function registerUsers(program: Command, global: () => GlobalOptions): void {
  const users = program.command('users').description('operators who may sign in to the admin area (/admin)');

  users
    .command('add')
    .description('add an operator; the password is asked for (or read from stdin with --password-stdin)')
    .argument('<name>', 'the name to sign in with')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option(
      '--role <role>',
      'admin (everything), editor (sources and articles) or rights (takedown requests only)',
      parseRole,
      'admin' as Role,
    )
    .action((name: string, options: { passwordStdin?: boolean; role: Role }) =>
      withAppContext(global(), async (ctx) => {
        const clean = checkName(name);
        if (await ctx.store.users.findByName(clean))
          throw new UsageError('users.exists', `there is already a user named ${clean}`);
        const password = await readNewPassword(clean, options.passwordStdin === true);
        await ctx.store.users.add(clean, await hashPassword(password), new Date(), options.role);
        const { baseUrl, baseUrlSet } = ctx.config.site;
        print(
          baseUrlSet
            ? `user ${clean} added as ${roleName(options.role)}; sign in at ${baseUrl}/admin`
            : `user ${clean} added as ${roleName(options.role)}; sign in at ${baseUrl}/admin, the address \`courtesy serve\` listens on by default (site.base_url in courtesy.toml names your site's own)`,
        );
      }),
    );

  users
    .command('passwd')
    .description("set an operator's password; also lifts a lockout and ends their sessions")
    .argument('<name>')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action((name: string, options: { passwordStdin?: boolean }) =>
      withAppContext(global(), async (ctx) => {
        const user = await ctx.store.users.findByName(name);
        if (!user) throw new UsageError('users.unknown', `there is no user named ${name}`);
        const password = await readNewPassword(user.name, options.passwordStdin === true);
        await ctx.store.users.setPassword(user.name, await hashPassword(password));
        print(`password of ${user.name} changed; their sessions are ended`);
      }),
    );

  users
    .command('list')
    .description('list the operators')
    .action(() =>
      withAppContext(global(), async (ctx) => {
        const list = await ctx.store.users.list();
        if (list.length === 0) return print('no users yet: add one with `courtesy users add NAME`');
        const now = new Date();
        print(
          table(
            ['NAME', 'ROLE', 'ADDED', 'LAST SIGN-IN', 'STATE'],
            list.map((u) => [
              u.name,
              u.role,
              relative(u.createdAt, now),
              relative(u.lastLoginAt, now),
              u.lockedUntil && u.lockedUntil > now ? `locked until ${u.lockedUntil.toISOString()}` : 'ok',
            ]),
          ),
        );
      }),
    );

  users
    .command('remove')
    .description('remove an operator and end their sessions')
    .argument('<name>')
    .action((name: string) =>
      withAppContext(global(), async (ctx) => {
        if (!(await ctx.store.users.remove(name)))
          throw new UsageError('users.unknown', `there is no user named ${name}`);
        print(`user ${name} removed`);
      }),
    );
}

function checkName(name: string): string {
  const clean = name.trim();
  const problem = userNameProblem(clean);
  if (problem) throw new UsageError('users.bad-name', problem);
  return clean;
}

async function readNewPassword(name: string, fromStdin: boolean): Promise<string> {
  let password: string;
  if (fromStdin || !process.stdin.isTTY) {
    password = (await readStdin()).split(/\r?\n/)[0] ?? '';
  } else {
    password = await ask('Password: ');
    const again = await ask('Password again: ');
    if (again !== password) throw new UsageError('users.mismatch', 'the two passwords differ');
  }
  const problem = passwordProblem(password, name);
  if (problem) throw new UsageError('users.weak-password', problem);
  return password;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString('utf8');
    if (text.includes('\n') || text.length > 4096) break;
  }
  return text;
}

/** Asks on the terminal without echoing what is typed. */
async function ask(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await rl.question('');
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

function parseRole(value: string): Role {
  if (!isRole(value))
    throw new UsageError('users.bad-role', `--role is one of ${ROLES.join(', ')}, not "${value}"`);
  return value;
}
