/**
 * The corpus's expected articles as a reader judges them. The corpus gives, for each page, the
 * article that Readability extracts from it: scored against that, plain Readability is right by
 * definition. Read page by page, those articles still hold what no reader counts as the article:
 * newsletter boxes, share buttons, links to other stories, comments, the site's navigation. Each
 * judgment below names such a passage in one page's expected article (its text, or its first and
 * last text when it spans several blocks) and why it is not the article; the judged article is the
 * expected one without them.
 *
 * Judged by reading every page's expected article whole, not by what courtesy removes: passages
 * courtesy keeps are listed too. Kept as article, on purpose: bylines, datelines and credits
 * ("Heba Habib contributed to this report"), notes of republication ("This article originally
 * appeared on ..."), rights notices, captions and photo credits, footnotes, tables of contents and
 * references of encyclopedic pages, and a post's own closing calls ("Read the full report").
 */

export interface Judgment {
  /** The page's folder, `articles/NAME`. */
  page: string;
  /**
   * The passage's text, every time it occurs; or its first text and its last (the last time that
   * occurs), once.
   */
  passage: string | readonly [from: string, to: string];
  why: string;
}

export const JUDGMENTS: readonly Judgment[] = [
  {
    page: 'readability__aktualne',
    passage: 'Pokud jste v článku zaznamenali chybu',
    why: 'the site\'s "report an error" box',
  },
  {
    page: 'readability__breitbart',
    passage: 'SIGN UP FOR OUR NEWSLETTER',
    why: 'newsletter call to action, twice',
  },
  {
    page: 'readability__citylab-1',
    passage: ['Cities are changing fast.', 'follow issues you care about.'],
    why: 'newsletter sign-up box',
  },
  {
    page: 'readability__citylab-1',
    passage: ['About the Author', 'is the author of The Midcentury Kitchen.'],
    why: "the author's box",
  },
  {
    page: 'readability__cnet',
    passage: ['Tech Enabled: CNET chronicles', 'exclusively on CNET. Here.'],
    why: 'promotion of two series of the site',
  },
  {
    page: 'readability__cnn',
    passage: 'Powered by SmartAsset.com',
    why: "credit line of a calculator widget's frame",
  },
  {
    page: 'readability__cnn',
    passage: 'Related: Rich are paying more in taxes but not as much as they used to',
    why: 'link to another story',
  },
  {
    page: 'readability__cnn',
    passage: "Related: Chicago is America's most segregated city",
    why: 'link to another story',
  },
  {
    page: 'readability__ebb-org',
    passage: ['#include <std/disclaimer.h>', 'is a service mark of Bradley M. Kuhn.'],
    why: "the site's footer: disclaimer and service mark",
  },
  {
    page: 'readability__firefox-nightly-blog',
    passage: ['2 comments on “These Weeks in Firefox: Issue 85”', 'Reply'],
    why: "readers' comments, with the links to post and to reply",
  },
  {
    page: 'readability__hukumusume',
    passage: '福娘童話集 > きょうのイソップ童話 > １月のイソップ童話 > 欲張りなイヌ',
    why: 'breadcrumb navigation',
  },
  { page: 'readability__hukumusume', passage: 'ひらがな ←→ 日本語・英語 ←→ English', why: 'script switcher' },
  {
    page: 'readability__hukumusume',
    passage: ['1月 1日の豆知識', '世界の国々の豆知識'],
    why: "the site's navigation after the story's end",
  },
  {
    page: 'readability__iab-1',
    passage: ['About the author', 'General Manager of the IAB Tech Lab'],
    why: "the author's box",
  },
  {
    page: 'readability__lemonde-1',
    passage: 'Revivez le direct du vote à l’Assemblée avec vos questions.',
    why: 'link to the live coverage',
  },
  {
    page: 'readability__lemonde-1',
    passage: 'Lire aussi : Les critiques de la CNIL contre le projet de loi sur le renseignement',
    why: 'link to another story',
  },
  {
    page: 'readability__lemonde-1',
    passage: 'Lire : Que sont les IMSI-catchers, ces valises qui espionnent les téléphones portables ?',
    why: 'link to another story',
  },
  { page: 'readability__lwn-1', passage: 'Comments (5 posted)', why: "link to the article's comments" },
  { page: 'readability__lwn-1', passage: 'Comments (3 posted)', why: "link to the article's comments" },
  { page: 'readability__lwn-1', passage: 'Comments (74 posted)', why: "link to the article's comments" },
  { page: 'readability__lwn-1', passage: 'Next page: Security>>', why: 'pagination' },
  { page: 'readability__nytimes-1', passage: 'Continue reading the main story', why: "the site's furniture" },
  {
    page: 'readability__pixnet',
    passage: ['如果您喜歡"史蒂文的家"圖文分享', '露營圖文訊息 謝謝!'],
    why: 'call to follow the site on Facebook',
  },
  { page: 'readability__qq', passage: '转播到腾讯微博', why: 'share button, twice' },
  { page: 'readability__qq', passage: '精彩视频推荐', why: 'heading of a video recommendation widget' },
  {
    page: 'readability__qq',
    passage: '您认为这篇文章与"新一网（08008.HK）"相关度高吗？',
    why: "a reader's poll",
  },
  {
    page: 'readability__theverge',
    passage: ['Sign up for Command Line', 'We accept credit card, Apple Pay and Google Pay.'],
    why: 'paid newsletter sign-up box with its price plans',
  },
  {
    page: 'readability__wapo-1',
    passage: '[Read: Why Tunisia, Arab Spring’s sole success story, suffers from Islamist violence]',
    why: 'link to another story',
  },
  {
    page: 'readability__wapo-1',
    passage: '[Bardo museum houses amazing Roman treasures]',
    why: 'link to another story',
  },
  {
    page: 'readability__wapo-1',
    passage: '[Read: Tunisia sends most foreign fighters to Islamic State in Syria]',
    why: 'link to another story',
  },
  {
    page: 'readability__wapo-1',
    passage: ['Read more:', 'Tunisia’s Bardo museum is home to amazing Roman treasures'],
    why: 'links to other stories',
  },
  {
    page: 'readability__yahoo-1',
    passage: ['More games news:', 'Review: ‘Madden NFL 17’ runs hard, plays it safe'],
    why: 'links to other stories',
  },
];

/**
 * A page's expected article as text, without the passages judged not to be article. Throws when a
 * judgment's passage is not in it, so that a judgment cannot silently stop applying.
 */
export function judgedText(page: string, text: string): string {
  let out = text;
  for (const { passage, why } of JUDGMENTS.filter((j) => j.page === page)) {
    if (typeof passage === 'string') {
      if (!out.includes(passage))
        throw new Error(`${page}: "${passage}" (${why}) is not in the expected article`);
      out = out.split(passage).join('\n');
      continue;
    }
    const [from, to] = passage;
    const start = out.indexOf(from);
    const end = out.lastIndexOf(to);
    if (start === -1 || end < start)
      throw new Error(`${page}: "${from}" ... "${to}" (${why}) is not in the expected article`);
    out = `${out.slice(0, start)}\n${out.slice(end + to.length)}`;
  }
  return out;
}

/** The pages with at least one judgment. */
export const JUDGED_PAGES = new Set(JUDGMENTS.map((j) => j.page));
