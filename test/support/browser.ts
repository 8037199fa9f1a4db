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

/** Whether nothing on the page is wider than the screen (a wide table scrolls in its own frame). */
export async function fitsTheScreen(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
}

/**
 * Tabs through a page from its top and says which controls were not reached, or were reached
 * without a visible focus (an outline or a box shadow). A radio group is one stop: its checked
 * button, or its first. Hidden controls (of a closed <details>, say) are not counted.
 */
export async function keyboardWalk(page: Page): Promise<string[]> {
  const total = await page.evaluate<number>(`(() => {
    const controls = [...document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])',
    )].filter((el) => {
      if (el.disabled || el.getClientRects().length === 0) return false;
      if (el.tagName === 'INPUT' && el.type === 'radio') {
        const group = [...document.querySelectorAll('input[type=radio]')].filter((r) => r.name === el.name);
        return el === (group.find((r) => r.checked) ?? group[0]);
      }
      return true;
    });
    controls.forEach((el, i) => el.setAttribute('data-walk', String(i)));
    document.activeElement?.blur();
    window.scrollTo(0, 0);
    return controls.length;
  })()`);
  const reached = new Set<string>();
  const unseen: string[] = [];
  for (let i = 0; i < total + 5 && reached.size < total; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate<{
      walk: string | null;
      what: string;
      visible: boolean;
    } | null>(`(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        walk: el.getAttribute('data-walk'),
        what: el.tagName.toLowerCase() + ' ' + (el.textContent ?? '').trim().slice(0, 30),
        visible: style.outlineStyle !== 'none' || style.boxShadow !== 'none',
      };
    })()`);
    if (!focus?.walk) continue;
    reached.add(focus.walk);
    if (!focus.visible) unseen.push(`${focus.what} (no visible focus)`);
  }
  const missed = await page.evaluate<string[]>(`(() => {
    const seen = ${JSON.stringify([...reached])};
    return [...document.querySelectorAll('[data-walk]')]
      .filter((el) => !seen.includes(el.getAttribute('data-walk')))
      .map((el) => el.tagName.toLowerCase() + ' ' + ((el.textContent ?? '').trim().slice(0, 30) || el.getAttribute('name')));
  })()`);
  return [...missed, ...new Set(unseen)];
}
