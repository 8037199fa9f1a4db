import { Parser } from 'htmlparser2';
import { decodeHTMLStrict } from 'entities';
import { fromCodePoint, replaceCodePoint } from 'entities/decode';
import { canonicalNamespace, NS, WELL_KNOWN_PREFIXES } from './namespaces.js';
import { parseUrl } from '../../model/url.js';

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
export const UNUSUAL_REFERENCE = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#[xX][0-9a-fA-F]+);)/;

/**
 * Decodes text that holds only the references XML itself defines, as most text does (escaped HTML
 * is all `&lt;` and `&amp;`): one pass, where the HTML decoder walks its trie of two thousand names
 * for each. The caller has checked that every `&` starts such a reference. Character references
 * follow HTML's rules, as that decoder does.
 */
export function decodeXmlReferences(raw: string): string {
  let out = '';
  let last = 0;
  for (let at = raw.indexOf('&'); at !== -1; at = raw.indexOf('&', last)) {
    const end = raw.indexOf(';', at);
    out += raw.slice(last, at);
    const first = raw.charCodeAt(at + 1);
    if (first === 0x23 /* # */) {
      const hex = (raw.charCodeAt(at + 2) | 0x20) === 0x78; /* x or X */
      const code = Number.parseInt(raw.slice(at + (hex ? 3 : 2), end), hex ? 16 : 10);
      out += fromCodePoint(replaceCodePoint(code));
    } else if (first === 0x6c /* lt */) out += '<';
    else if (first === 0x67 /* gt */) out += '>';
    else if (first === 0x71 /* quot */) out += '"';
    else out += raw.charCodeAt(at + 2) === 0x6d /* amp */ ? '&' : "'";
    last = end + 1;
  }
  return flat(out + raw.slice(last));
}
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
  const names = new Map<string, QualifiedName>();
  let declaredEncoding: string | null = null;
  let inCdata = false;
  let overflow = 0;
  // htmlparser2 reports `<x/>` as an implied close; one that follows its open tag directly is self-closing.
  let justOpened = false;
  let ending = false;

  const decode = (raw: string): string => {
    if (!raw.includes('&')) return raw;
    if (!UNUSUAL_REFERENCE.test(raw)) return decodeXmlReferences(raw);
    noteEntityRecoveries(raw, warnings);
    return flat(decodeHTMLStrict(raw));
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
      onopentag(rawName, rawAttrs) {
        const parent = stack[stack.length - 1]!;
        if (stack.length > MAX_DEPTH) {
          overflow++;
          warnings.add(`elements nested deeper than ${MAX_DEPTH} levels were flattened`);
          return;
        }
        // Most elements of a feed have no attributes: they share one empty, frozen record.
        let attrs: Record<string, string> = NO_ATTRIBUTES;
        let scope: Record<string, string> | null = null;
        for (const key in rawAttrs) {
          if (attrs === NO_ATTRIBUTES) attrs = {};
          const value = decode(rawAttrs[key]!);
          attrs[key] = value;
          if (key === 'xmlns' || key.startsWith('xmlns:')) {
            scope ??= { ...scopes[scopes.length - 1] };
            scope[key === 'xmlns' ? '' : key.slice(6)] = canonicalNamespace(value.trim());
          }
        }
        scopes.push(scope ?? scopes[scopes.length - 1]!);
        const name = splitName(rawName, names);
        const ns = resolvePrefix(name.prefix, scopes[scopes.length - 1]!, warnings);
        const xmlBase = attrs['xml:base'];
        const base = xmlBase !== undefined ? resolveUrl(xmlBase, parent.base) : parent.base;
        const el = element(ns, name.local, name.qname, attrs, base);
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

const NO_ATTRIBUTES: Record<string, string> = Object.freeze({});

interface QualifiedName {
  qname: string;
  prefix: string;
  local: string;
}

/**
 * A tag's prefix and lower-cased local name, made once per distinct tag of a document (a feed
 * repeats a few dozen names thousands of times), so that its elements share the strings.
 */
function splitName(qname: string, names: Map<string, QualifiedName>): QualifiedName {
  let name = names.get(qname);
  if (name) return name;
  const colon = qname.indexOf(':');
  name = {
    qname,
    prefix: colon > 0 ? qname.slice(0, colon) : '',
    local: (colon > 0 ? qname.slice(colon + 1) : qname).toLowerCase(),
  };
  if (names.size < 10_000) names.set(qname, name);
  return name;
}

/**
 * The same string, flattened. A decoder builds its output piece by piece, which V8 keeps as a rope
 * of every piece until the string is read; reading one character flattens it in place. A feed's
 * texts live as long as its tree, and as ropes they took six times their size (350 MB for the text
 * of a 50 MB feed, against 55 MB flat).
 */
export function flat(text: string): string {
  text.charCodeAt(0);
  return text;
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
  return parseUrl(trimmed, base)?.href ?? trimmed;
}
