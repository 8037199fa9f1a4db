import { Parser } from 'htmlparser2';
import { decodeHTMLStrict } from 'entities';
import { canonicalNamespace, NS, WELL_KNOWN_PREFIXES } from './namespaces.js';

/** An element of a feed document, with its namespace resolved and its xml:base applied. */
export interface XmlElement {
  /** Namespace URI; '' for none. */
  ns: string;
  /** Local name, lower-cased: feeds in the wild are not consistent about case (`pubdate`, `PubDate`). */
  local: string;
  /** The name as written, case kept, for re-serializing inline markup. */
  qname: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** The base URL in force for this element (document URL, then xml:base at every level). */
  base: string | null;
  /** Set when the document ended before this element closed (a truncated download): its content is incomplete. */
  truncated?: boolean;
}

/** A text node holds decoded text; CDATA sections arrive as text too. */
export type XmlNode = XmlElement | string;

export interface XmlDocument {
  root: XmlElement | null;
  /** The XML declaration's encoding, if the document had one. */
  declaredEncoding: string | null;
  warnings: string[];
}

/** Elements nested deeper than this are flattened to their text: no real feed comes near it. */
const MAX_DEPTH = 256;

/** The five entities XML predefines (XML 1.0 §4.6); any other named entity is HTML's. */
const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
/** An `&` that does not start a reference XML defines: a named HTML entity, an unknown one, or a bare `&`. */
const UNUSUAL_REFERENCE = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-f]+);)/i;
const ENTITY_REF = /&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*)(;?)/gi;

/**
 * Parses a feed document leniently into a small tree. htmlparser2 never reads a DTD, so external
 * entities (XXE) and entity expansion (billion laughs) cannot happen: an entity the document declares
 * for itself stays as literal text. HTML named entities are decoded, a bare `&` is kept, unclosed
 * tags are closed, and each recovery is noted once in `warnings`.
 */
export function parseXml(text: string, baseUrl: string | null): XmlDocument {
  const warnings = new Set<string>();
  const root: XmlElement = element('', '#document', '#document', {}, baseUrl);
  const stack: XmlElement[] = [root];
  const scopes: Array<Record<string, string>> = [{ xml: NS.xml }];
  let declaredEncoding: string | null = null;
  let inCdata = false;
  let overflow = 0;
  // htmlparser2 reports `<x/>` as an implied close; one that follows its open tag directly is self-closing.
  let justOpened = false;
  let ending = false;

  const decode = (raw: string): string => {
    if (!raw.includes('&')) return raw;
    noteEntityRecoveries(raw, warnings);
    return decodeHTMLStrict(raw);
  };

  const parser = new Parser(
    {
      onprocessinginstruction(name, data) {
        if (name.toLowerCase() === '?xml') {
          declaredEncoding = /encoding\s*=\s*["']([^"']+)["']/i.exec(data)?.[1] ?? declaredEncoding;
        } else if (name.toLowerCase() === '!doctype' && /<!ENTITY/i.test(data)) {
          warnings.add('the document declares entities in a DTD; they were not expanded');
        }
      },
      onopentag(qname, rawAttrs) {
        const parent = stack[stack.length - 1]!;
        if (stack.length > MAX_DEPTH) {
          overflow++;
          warnings.add(`elements nested deeper than ${MAX_DEPTH} levels were flattened`);
          return;
        }
        const attrs: Record<string, string> = {};
        let scope: Record<string, string> | null = null;
        for (const key in rawAttrs) {
          const value = decode(rawAttrs[key]!);
          attrs[key] = value;
          if (key === 'xmlns' || key.startsWith('xmlns:')) {
            scope ??= { ...scopes[scopes.length - 1] };
            scope[key === 'xmlns' ? '' : key.slice(6)] = canonicalNamespace(value.trim());
          }
        }
        scopes.push(scope ?? scopes[scopes.length - 1]!);
        const colon = qname.indexOf(':');
        const prefix = colon > 0 ? qname.slice(0, colon) : '';
        const local = (colon > 0 ? qname.slice(colon + 1) : qname).toLowerCase();
        const ns = resolvePrefix(prefix, scopes[scopes.length - 1]!, warnings);
        const xmlBase = attrs['xml:base'];
        const base = xmlBase !== undefined ? resolveUrl(xmlBase, parent.base) : parent.base;
        const el = element(ns, local, qname, attrs, base);
        parent.children.push(el);
        stack.push(el);
        justOpened = true;
      },
      onclosetag(_name, isImplied) {
        if (overflow > 0) {
          overflow--;
          return;
        }
        if (stack.length <= 1) return;
        if (ending && !justOpened) {
          stack[stack.length - 1]!.truncated = true;
          warnings.add('the document ends early (truncated?); entries left incomplete were skipped');
        } else if (isImplied && !justOpened) warnings.add('an element was not closed');
        justOpened = false;
        stack.pop();
        scopes.pop();
      },
      ontext(data) {
        justOpened = false;
        const text = inCdata ? data : decode(data);
        const children = stack[stack.length - 1]!.children;
        const last = children.length - 1;
        if (last >= 0 && typeof children[last] === 'string') children[last] += text;
        else children.push(text);
      },
      oncdatastart() {
        inCdata = true;
      },
      oncdataend() {
        inCdata = false;
      },
    },
    { xmlMode: true, decodeEntities: false },
  );
  parser.write(text);
  // Whatever is still open now is closed by the end of the input, not by the document.
  ending = true;
  parser.end();

  const top = root.children.find((n): n is XmlElement => typeof n !== 'string') ?? null;
  if (top && root.children.some((n) => typeof n === 'string' && n.trim() !== '')) {
    warnings.add('text outside the root element was ignored');
  }
  return { root: top, declaredEncoding, warnings: [...warnings] };
}

function element(
  ns: string,
  local: string,
  qname: string,
  attrs: Record<string, string>,
  base: string | null,
): XmlElement {
  return { ns, local, qname, attrs, children: [], base };
}

function resolvePrefix(prefix: string, scope: Record<string, string>, warnings: Set<string>): string {
  const declared = scope[prefix];
  if (declared !== undefined) return declared;
  if (prefix === '') return '';
  const known = WELL_KNOWN_PREFIXES[prefix.toLowerCase()];
  warnings.add(`undeclared namespace prefix "${prefix}"`);
  return known ?? `urn:courtesy:undeclared:${prefix}`;
}

function noteEntityRecoveries(raw: string, warnings: Set<string>): void {
  // Most text holds only the references XML itself defines (escaped HTML is all &lt; and &amp;).
  if (!UNUSUAL_REFERENCE.test(raw)) return;
  let bare = (raw.match(/&/g) ?? []).length;
  for (const match of raw.matchAll(ENTITY_REF)) {
    const [, name, semicolon] = match;
    if (!semicolon) continue;
    bare--;
    if (name!.startsWith('#') || XML_ENTITIES.has(name!)) continue;
    if (decodeHTMLStrict(match[0]) === match[0]) warnings.add(`undefined entity &${name};`);
    else warnings.add('HTML named entities in XML');
  }
  if (bare > 0) warnings.add('unescaped "&" in text');
}

/** Resolves a possibly relative URL; returns the input unchanged when it cannot be resolved. */
export function resolveUrl(value: string, base: string | null): string {
  const trimmed = value.trim();
  try {
    return new URL(trimmed, base ?? undefined).href;
  } catch {
    return trimmed;
  }
}
