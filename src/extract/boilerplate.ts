import { ELEMENT_NODE, TEXT_NODE, type DomDocument, type DomElement, type DomNode } from '../markup/dom.js';

/**
 * What Readability keeps that a reader does not count as the article, and how courtesy takes it
 * out. Readability finds the block of a page that holds the article; inside that block it keeps
 * whatever the publisher put between the paragraphs: newsletter sign-up boxes, share buttons,
 * "Related:" and "Read more:" links, "Continue reading the main story", the comments under a blog
 * post, the author's box at the end. Two passes remove them:
 *
 * - before Readability, widgets named as such by their markup (a class or id that says newsletter,
 *   share, comments...), unless they hold a large part of the page's text;
 * - after it, blocks of the article that read as such: short, and made of a known call to action,
 *   a label of the page's furniture, or a label followed by links.
 *
 * Every rule looks at one block at a time and is bounded by its size, so that an article about
 * newsletters or sharing keeps its paragraphs.
 */

/** Words of class names and ids that name a widget, by kind. */
const WIDGET_WORDS: ReadonlyMap<string, Widget> = new Map([
  ['newsletter', 'call'],
  ['newsletters', 'call'],
  ['optin', 'call'],
  ['signup', 'call'],
  ['share', 'share'],
  ['sharing', 'share'],
  ['sharebar', 'share'],
  ['sharetools', 'share'],
  ['sharethis', 'share'],
  ['addthis', 'share'],
  ['addtoany', 'share'],
  ['comments', 'comments'],
  ['commentlist', 'comments'],
  ['disqus', 'comments'],
  ['respond', 'comments'],
]);
type Widget = 'call' | 'share' | 'comments';

/** A widget holding more of the page's text than this is kept: it may be the article's container. */
const MAX_WIDGET_SHARE = 0.4;
/** A call to action or share bar with a paragraph this long is not one... */
const MAX_WIDGET_PARAGRAPH = 300;
/** ...nor one with two paragraphs of this length. */
const PROSE_PARAGRAPH = 100;

/**
 * Removes the widgets a page's markup names (see WIDGET_WORDS) before Readability reads it.
 * Returns how many were removed.
 */
export function removeWidgets(document: DomDocument): number {
  const body = document.body;
  if (!body) return 0;
  const total = textOf(body).length;
  let removed = 0;
  for (const el of Array.from(body.querySelectorAll('[class], [id]'))) {
    if (!within(el, body)) continue;
    const kind = widgetKind(el);
    if (!kind || PROTECTED.has(el.tagName.toLowerCase())) continue;
    const length = textOf(el).length;
    if (total > 0 && length > total * MAX_WIDGET_SHARE) continue;
    if (kind !== 'comments' && (holdsMedia(el) || holdsProse(el))) continue;
    el.remove();
    removed++;
  }
  return removed;
}

/** Elements that are never a widget, whatever their class: the page itself and its article. */
const PROTECTED = new Set(['html', 'body', 'main', 'article']);

function widgetKind(el: DomElement): Widget | null {
  const names = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`;
  if (names.trim() === '') return null;
  const words = names
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const kind = WIDGET_WORDS.get(word);
    if (kind) return kind;
    // "sign-up", "comment-list", "comment-form"
    const next = words[i + 1];
    if (word === 'sign' && next === 'up') return 'call';
    if (word === 'comment' && (next === 'list' || next === 'form')) return 'comments';
  }
  return null;
}

/** Paragraphs of prose, which a newsletter box or a share bar does not hold. */
function holdsProse(el: DomElement): boolean {
  let paragraphs = 0;
  for (const p of Array.from(el.querySelectorAll('p'))) {
    const length = textOf(p).length;
    if (length > MAX_WIDGET_PARAGRAPH || (length > PROSE_PARAGRAPH && ++paragraphs >= 2)) return true;
  }
  return false;
}

/** Images, video and embeds that make a block content, whatever else it is. */
function holdsMedia(el: DomElement): boolean {
  if (el.querySelector('figure, picture, video, audio, iframe, table')) return true;
  for (const img of Array.from(el.querySelectorAll('img'))) {
    const width = Number(img.getAttribute('width'));
    const height = Number(img.getAttribute('height'));
    // An icon (a share button's logo) is small and says so; a picture is larger or does not say.
    if (!(width > 0 && width <= 100) && !(height > 0 && height <= 100)) return true;
  }
  return false;
}

/** Blocks of text in an article, as the second pass reads them. */
const BLOCKS = 'p, div, section, aside, header, footer, h1, h2, h3, h4, h5, h6, li, ul, ol, dl, blockquote';
/** Boilerplate blocks are short; a block longer than this is the article's, whatever it says. */
const MAX_BOILERPLATE = 250;
/** A label's links: a block at least this much link text is a list of links. */
const LINKS_ONLY = 0.8;

/** Labels of a page's furniture, a block's whole text. */
const FURNITURE = new RegExp(
  '^(?:' +
    [
      'continue reading(?: the main story| below)?',
      'story continues below(?: advertisement)?',
      'article continues (?:below|after (?:the )?(?:advertisement|ad))',
      '(?:skip|scroll (?:down )?to continue with|scroll down for) (?:the )?(?:advertisement|ad|content|article)',
      'advertisement|advertising|sponsored(?: content)?',
      '(?:read|show|load|see|view) (?:more|all)(?: comments)?',
      '(?:post|leave|add|write) an? (?:comment|reply)',
      'reply|report(?: this)? comment',
      '\\d+ comments?',
      'comments? \\(\\d+(?: posted)?\\)',
      '(?:next|previous) page(?: ?[:»>]+.*)?',
      'publicité|lire la suite|anzeige|werbung|weiterlesen|publicidad|seguir leyendo|pubblicità|publicidade|reklama',
      '广告|(?:精彩|热门)?(?:视频|新闻|阅读)?推荐',
    ].join('|') +
    ')[\\s.!»>…]*$',
  'iu',
);

/** A newsletter's call to action, somewhere in a short block. */
const CALL_TO_ACTION = new RegExp(
  [
    '(?:^|[.!?]\\s+)(?:sign up|sign-up|subscribe|register|join|get)\\b[^.!?]{0,80}\\bnewsletters?\\b',
    '(?:^|[.!?]\\s+)keep up with\\b[^.!?]{0,80}\\bnewsletters?\\b',
    '\\bnewsletters?\\b[^.!?]{0,40}\\b(?:sign up|subscribe)\\b',
    '(?:^|[.!?]\\s+)(?:get|receive|have)\\b[^.!?]{0,80}\\b(?:delivered )?(?:to|in|into) your inbox\\b',
    '^(?:sign up|subscribe)(?: now| today| here| for free)?[.!]*$',
    '(?:inscrivez-vous|abonnez-vous|abonnieren|abonnieren sie|melden sie sich|suscr[ií]bete|suscr[ií]base|iscriviti|assine|inscreva-se)\\b[^.!?]{0,80}\\b(?:newsletter|bolet[ií]n|bulletin|lettre d.information)',
  ].join('|'),
  'iu',
);

/** Networks a share bar names. */
const NETWORKS =
  'facebook|twitter|x|email|e-mail|mail|whatsapp|linkedin|pinterest|reddit|telegram|messenger|print|tweet|copy link|flipboard|pocket|sms|threads|bluesky|mastodon';
/** A share bar's whole text: "Share", "Share on Facebook Twitter Email", "Facebook · X · Email". */
const SHARE_BAR = new RegExp(
  `^(?:share(?: this(?: article| story| post| page)?)?(?: on| via| to)?\\s*[:：]?\\s*)?(?:(?:${NETWORKS})\\s*[,|·•/]?\\s*)*$`,
  'iu',
);
const SHARE_WORD = /\bshare\b/iu;
const NETWORK_WORD = new RegExp(`\\b(?:${NETWORKS})\\b`, 'giu');
/** "Share to ..." in Chinese and Japanese, a label of a few characters. */
const SHARE_CJK = /^(?:分享到|分享至|转播到|轉播到|シェア|共有する).{0,16}$/u;

/** Labels that introduce links to other articles of the site. */
const RELATED = [
  'related(?: stories| articles| posts| content| coverage| links| reading| news)?',
  'read more|read also|also read|read next|read|more reading|recommended(?: reading| for you)?',
  'more from [^:]{1,40}|more [^:]{1,30}(?:news|stories|coverage|articles|reviews)',
  'you (?:may|might) also (?:like|enjoy)|don.t miss|trending(?: now)?',
  'lire aussi|à lire aussi|a lire aussi|lire|voir aussi|sur le même sujet',
  'lesen sie auch|mehr zum thema|auch interessant',
  'lee también|lea también|leer más|te puede interesar|relacionad[oa]s?',
  'leggi anche|potrebbe interessarti|leia também|leia mais|veja também|lees ook|lees meer',
  'čtěte také|čtěte též|související(?: články)?',
  '相关阅读|延伸阅读|相關閱讀|延伸閱讀|推荐阅读|関連記事',
].join('|');
/** A block that is such a label and the link it introduces: "Related: <a>...</a>", "[Read: <a>...</a>]". */
const RELATED_LINK = new RegExp(`^[[(]?\\s*(?:${RELATED})\\s*[:：]\\s*(.+?)\\s*[\\])]?$`, 'iu');
/** A block that is only such a label, the links below it: "Read more:", "More games news:". */
const RELATED_LABEL = new RegExp(`^(?:${RELATED})\\s*[:：]$`, 'iu');
/** "About the author", the heading of the author's box. */
const ABOUT_AUTHOR =
  /^(?:about the authors?|about the writer|à propos de l.auteur|über den autor|über die autorin|sobre el autor|sobre la autora|sobre o autor|l.autore)$/iu;
/** An author's box is short: one holding more of the article's text than this is not one. */
const MAX_AUTHOR_BOX = 0.3;

/**
 * Removes from an article (what Readability found) the blocks that read as boilerplate: the
 * furniture of the page, newsletter calls to action, share bars, links to other articles with their
 * label, and the author's box at the end. Returns how many blocks were removed.
 */
export function removeBoilerplate(article: DomElement): number {
  let removed = 0;
  const total = textOf(article).length;
  for (const block of Array.from(article.querySelectorAll(BLOCKS))) {
    if (!within(block, article)) continue;
    const text = textOf(block);
    if (text.length === 0 || text.length > MAX_BOILERPLATE || text.length > total / 2 || holdsMedia(block))
      continue;
    // A table's cells are its data, whatever they say.
    if (block.closest('table')) continue;
    if (isBoilerplate(block, text, !block.querySelector(BLOCKS))) {
      block.remove();
      removed++;
    } else if (RELATED_LABEL.test(text) && !/^h[1-6]$/i.test(block.tagName)) {
      removed += removeLabelledLinks(block);
    } else if (ABOUT_AUTHOR.test(text)) {
      removed += removeAuthorBox(block, article, total);
    }
  }
  return removed;
}

/**
 * Whether a block is boilerplate by what it says. A call to action is looked for only in a block
 * of its own (a leaf), since it is a sentence among others: a short article's body may hold one.
 */
function isBoilerplate(block: DomElement, text: string, leaf: boolean): boolean {
  if (FURNITURE.test(text) || SHARE_CJK.test(text) || (leaf && CALL_TO_ACTION.test(text))) return true;
  if (SHARE_BAR.test(text) && (SHARE_WORD.test(text) || (text.match(NETWORK_WORD)?.length ?? 0) >= 2)) {
    return true;
  }
  const related = RELATED_LINK.exec(text);
  if (related) return linkShare(block) >= (related[1]!.length / text.length) * 0.6;
  // "[<a>Another story of the site</a>]": a link in brackets, alone in its paragraph.
  return /^\[[^\]]+\]$/.test(text) && linkShare(block) >= LINKS_ONLY;
}

/**
 * Removes a label ("Read more:") and the blocks of links that follow it, when links follow; the
 * label stays when what follows is text.
 */
function removeLabelledLinks(label: DomElement): number {
  const links: DomElement[] = [];
  for (let next = label.nextElementSibling; next; next = next.nextElementSibling) {
    const text = textOf(next);
    if (text.length === 0 && !holdsMedia(next)) continue;
    if (linkShare(next) < LINKS_ONLY || holdsMedia(next)) break;
    links.push(next);
  }
  if (links.length === 0) return 0;
  for (const el of [label, ...links]) el.remove();
  return links.length + 1;
}

/**
 * Removes the author's box: its heading and what follows it in the box, then the box itself (and
 * its author's photo) if no text is left in it, up to two levels. Kept when it would take more than
 * MAX_AUTHOR_BOX of the article.
 */
function removeAuthorBox(heading: DomElement, article: DomElement, total: number): number {
  const parts = [heading];
  for (let next = heading.nextElementSibling; next; next = next.nextElementSibling) parts.push(next);
  const length = parts.reduce((n, el) => n + textOf(el).length, 0);
  if (total === 0 || length > total * MAX_AUTHOR_BOX) return 0;
  let box = heading.parentElement;
  for (const el of parts) el.remove();
  for (let level = 0; level < 2 && box && box !== article && textOf(box).length === 0; level++) {
    const parent = box.parentElement;
    box.remove();
    box = parent;
  }
  return parts.length;
}

/** The share of an element's text inside links, from 0 to 1. */
function linkShare(el: DomElement): number {
  const length = textOf(el).length;
  if (length === 0) return 0;
  let inLinks = 0;
  for (const a of Array.from(el.querySelectorAll('a'))) inLinks += textOf(a).length;
  return Math.min(1, inLinks / length);
}

/** Whether an element is still inside a root, not in a part removed from it. */
function within(el: DomElement, root: DomElement): boolean {
  for (let at: DomElement | null = el; at; at = at.parentElement) if (at === root) return true;
  return false;
}

/** Elements whose text a reader sees apart from the text around it. */
const APART = new Set([
  'P',
  'DIV',
  'LI',
  'UL',
  'OL',
  'DT',
  'DD',
  'TD',
  'TH',
  'TR',
  'BR',
  'SECTION',
  'ASIDE',
  'HEADER',
  'FOOTER',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'BLOCKQUOTE',
  'FIGCAPTION',
  'LABEL',
  'BUTTON',
]);

/**
 * An element's text, white space collapsed and trimmed, with a space between blocks (the DOM's
 * textContent runs "Facebook", "X" and "Email" of a list together).
 */
function textOf(el: DomElement): string {
  const parts: string[] = [];
  const walk = (node: DomNode) => {
    if (node.nodeType === TEXT_NODE) parts.push(node.textContent ?? '');
    else if (node.nodeType === ELEMENT_NODE) {
      const apart = APART.has((node as DomElement).tagName);
      if (apart) parts.push(' ');
      for (const child of node.childNodes) walk(child);
      if (apart) parts.push(' ');
    }
  };
  walk(el);
  return parts.join('').replace(/\s+/g, ' ').trim();
}
