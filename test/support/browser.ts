import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.COURTESY_CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, without the background traffic a closed network refuses. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set COURTESY_CHROMIUM)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Where tests save screenshots for people to look at: test-artifacts/ at the repository's root. */
export function artifactPath(name: string): string {
  const root = fileURLToPath(
    new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url),
  );
  const dir = join(root, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/** One accessibility problem axe-core found, as the tests report it. */
export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const require = createRequire(import.meta.url);
let axeSource: string | null = null;

/**
 * Runs axe-core (WCAG 2.x A and AA rules) inside the page as it stands and returns the serious and
 * critical violations. The script is evaluated through the browser's debugging protocol, which the
 * site's Content Security Policy (no script at all) rightly does not allow a page to do itself.
 */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const found = await page.evaluate(`(async () => {
    ${axeSource}
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)) }));
  })()`);
  return (found as Violation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
