import { createRequire } from 'node:module';
import { Readability } from '@mozilla/readability';
import { extractArticle } from '../../src/extract/index.js';
import { parseDocument } from '../../src/markup/dom.js';

/** Extracts the article HTML from a page; throws when it finds none. */
export type Extractor = (html: string, url: string) => string;

/**
 * jsdom, loaded without its type declarations: they bring the browser's DOM library into the whole
 * program, whose own code is typed for Node. Only what this comparison uses is declared.
 */
interface JsdomModule {
  JSDOM: new (
    html: string,
    options: { url: string; virtualConsole: object },
  ) => { window: { document: unknown } };
  VirtualConsole: new () => object;
}
const { JSDOM, VirtualConsole } = createRequire(import.meta.url)('jsdom') as JsdomModule;

/** happy-dom, loaded the same way. */
interface HappyDomModule {
  Window: new (options: { url: string }) => {
    document: { write(html: string): void };
    happyDOM: { close(): Promise<void> };
  };
}
const { Window } = createRequire(import.meta.url)('happy-dom') as HappyDomModule;
const quiet = new VirtualConsole();

/** courtesy's extraction, and plain Readability over three DOMs, for comparison in one run. */
export const EXTRACTORS: Record<string, Extractor> = {
  courtesy: (html, url) => extractArticle(html, { url }).html,
  'readability+jsdom': (html, url) => {
    const { document } = new JSDOM(html, { url, virtualConsole: quiet }).window;
    return new Readability(document).parse()?.content ?? '';
  },
  'readability+happy-dom': (html, url) => {
    const window = new Window({ url });
    window.document.write(html);
    const content = new Readability(window.document).parse()?.content ?? '';
    void window.happyDOM.close();
    return content;
  },
  'readability+linkedom': (html) => {
    return new Readability(parseDocument(html)).parse()?.content ?? '';
  },
};
