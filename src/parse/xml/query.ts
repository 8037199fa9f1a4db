import { escapeAttribute, escapeText } from 'entities';
import type { XmlElement, XmlNode } from './tree.js';

/** The first child element with this local name in one of these namespaces. */
export function child(el: XmlElement, local: string, ...namespaces: string[]): XmlElement | undefined {
  for (const node of el.children) {
    if (typeof node !== 'string' && node.local === local && namespaces.includes(node.ns)) return node;
  }
  return undefined;
}

export function children(el: XmlElement, local: string, ...namespaces: string[]): XmlElement[] {
  const found: XmlElement[] = [];
  for (const node of el.children) {
    if (typeof node !== 'string' && node.local === local && namespaces.includes(node.ns)) found.push(node);
  }
  return found;
}

/**
 * The entries of a feed element (RSS items, Atom entries): its children of that name and, where a
 * publisher left an element open so that it swallowed the ones after it, those deeper down, in
 * document order; never one inside another.
 */
export function entriesOf(el: XmlElement, local: string, ...namespaces: string[]): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (parent: XmlElement): void => {
    for (const node of parent.children) {
      if (typeof node === 'string') continue;
      if (node.local === local && namespaces.includes(node.ns)) found.push(node);
      else walk(node);
    }
  };
  walk(el);
  return found;
}

/** All text below an element, CDATA included, markup dropped. */
export function textOf(el: XmlElement): string {
  let out = '';
  for (const node of el.children) out += typeof node === 'string' ? node : textOf(node);
  return out;
}

/** Trimmed text of the first matching child, or null when absent or blank. */
export function childText(el: XmlElement, local: string, ...namespaces: string[]): string | null {
  const found = child(el, local, ...namespaces);
  if (!found) return null;
  const text = textOf(found).trim();
  return text === '' ? null : text;
}

/**
 * The HTML an element carries. Usually that is its text (escaped or CDATA markup, already decoded);
 * when a publisher put raw markup in it instead, the child elements are serialized back.
 */
export function markupOf(el: XmlElement): string {
  if (el.children.every((n) => typeof n === 'string')) return textOf(el);
  return innerXml(el);
}

/** The children serialized as markup: text escaped, elements written back with their attributes. */
export function innerXml(el: XmlElement): string {
  let out = '';
  for (const node of el.children) out += serialize(node);
  return out;
}

/** HTML elements that have no end tag (HTML Living Standard §13.1.2). */
const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

function serialize(node: XmlNode): string {
  if (typeof node === 'string') return escapeText(node);
  const name = node.qname.includes(':') ? node.local : node.qname;
  let attrs = '';
  for (const [key, value] of Object.entries(node.attrs)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    attrs += ` ${key}="${escapeAttribute(value)}"`;
  }
  if (VOID_ELEMENTS.has(node.local)) return `<${name}${attrs}>`;
  return `<${name}${attrs}>${innerXml(node)}</${name}>`;
}
