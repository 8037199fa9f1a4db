import { parseHTML } from 'linkedom';

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

/**
 * A page as a DOM. linkedom builds it: a DOM for reading and rewriting markup, without layout or
 * scripts, five to seven times faster than jsdom for extraction (bench/extract).
 */
export function parseDocument(html: string): DomDocument {
  return (parseHTML(html) as { document: DomDocument }).document;
}
