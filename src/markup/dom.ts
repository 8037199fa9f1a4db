import { createRequire } from 'node:module';

/** The little of the DOM that courtesy itself uses (the project is typed without the browser's DOM library). */
export interface DomNode {
  nodeType: number;
  textContent: string | null;
  childNodes: Iterable<DomNode>;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

export interface DomElement extends DomNode {
  tagName: string;
  outerHTML: string;
  innerHTML: string;
  textContent: string | null;
  parentElement: DomElement | null;
  nextElementSibling: DomElement | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  remove(): void;
  prepend(node: DomElement): void;
  querySelector(selector: string): DomElement | null;
  closest(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement> & { length: number };
}

export interface DomDocument {
  head: DomElement | null;
  body: DomElement | null;
  documentElement: DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement> & { length: number };
  createElement(name: string): DomElement;
}

type ParseHtml = (typeof import('linkedom'))['parseHTML'];
let parseHtml: ParseHtml | null = null;

/**
 * A page as a DOM. linkedom builds it: a DOM for reading and rewriting markup, without layout or
 * scripts, five to seven times faster than jsdom for extraction (bench/extract). It is loaded on
 * first use (5 MB of heap): pages are extracted in worker threads, and the thread that serves the
 * site needs it only to check an operator's scraper rules. Synchronously, since checking the
 * rules of the configuration file is.
 */
export function parseDocument(html: string): DomDocument {
  parseHtml ??= (createRequire(import.meta.url)('linkedom') as typeof import('linkedom')).parseHTML;
  return (parseHtml(html) as { document: DomDocument }).document;
}
