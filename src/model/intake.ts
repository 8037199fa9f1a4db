import { UsageError } from './errors.js';

/**
 * What a source takes in of its feed: the operator's keyword rules and limits, the controls of an
 * autoblog. An entry the rules keep out is stored all the same, filtered (see Entry.withheld): on
 * no public page, shown at the desk with the reason, and taken back at once should the rules
 * change so that it passes.
 *
 * A rule is `[field:]terms`:
 * - the field is `title`, `content` (the article's text), `author` or `category`; without one, the
 *   title or the content;
 * - the terms are words, "quoted phrases" (words in that order) and word beginnings (`climat*`); a
 *   rule matches when every one of its terms is in the field (in one category, for `category`);
 * - words match whole, in any case and with or without accents: `Jose` matches "José", `vote`
 *   does not match "voters" (`vote*` does).
 * An entry is taken when it matches one of the include rules (or there are none) and none of the
 * exclude rules. Matching reads each word once per term: no pattern can make it slow.
 */
export interface IntakeRules {
  /** Rules as written; an entry must match one of them, when there are any. */
  include: string[];
  /** Rules as written; an entry that matches one is kept out. */
  exclude: string[];
  /** The most new entries one check takes (the newest first); null for all. */
  maxPerCheck: number | null;
  /** Entries published longer ago than this many days are not taken; null for any age. */
  maxAgeDays: number | null;
}

export const NO_INTAKE_RULES: IntakeRules = { include: [], exclude: [], maxPerCheck: null, maxAgeDays: null };

export type IntakeField = 'title' | 'content' | 'author' | 'category';
const FIELDS: readonly IntakeField[] = ['title', 'content', 'author', 'category'];

/** How many rules a list may hold, and how long one may be. */
export const MAX_RULES = 100;
export const MAX_RULE_LENGTH = 300;

/** One term of a rule: a word, a word's beginning, or a phrase (its words in order). */
interface Term {
  words: Array<{ text: string; prefix: boolean }>;
}

export interface IntakeRule {
  /** As written (trimmed), to name it. */
  source: string;
  /** null: the title or the content. */
  field: IntakeField | null;
  terms: Term[];
}

export interface CompiledIntake {
  include: IntakeRule[];
  exclude: IntakeRule[];
  maxPerCheck: number | null;
  maxAgeDays: number | null;
}

/** What the rules read of an entry: its title, its article's plain text, its author and categories. */
export interface IntakeSubject {
  title: string | null;
  /** The text, or how to make it (only a rule on the content reads it). */
  text: string | null | (() => string | null);
  author: string | null;
  categories: readonly string[];
}

/** What kept an entry out: a keyword rule, the age limit, or the per-check limit. */
export type FilterKind = 'rule' | 'age' | 'limit';
export const FILTER_KINDS: readonly FilterKind[] = ['rule', 'age', 'limit'];

/** Why an entry is kept out (`why` in words: "exclude rule “title:quote*”"); null when it is taken. */
export type IntakeVerdict = { kind: FilterKind; why: string } | null;

/**
 * Reads a rule; throws a UsageError that names the rule and what is wrong with it. `where` says
 * which list it is in ("exclude rule 2"), for the message.
 */
export function parseIntakeRule(raw: string, where: string): IntakeRule {
  const source = raw.replace(/\s+/g, ' ').trim();
  if (source === '') throw new UsageError('intake.rule', `${where} is empty`);
  if (source.length > MAX_RULE_LENGTH)
    throw new UsageError('intake.rule', `${where} is longer than ${MAX_RULE_LENGTH} characters`);
  let body = source;
  let field: IntakeField | null = null;
  const named = /^([a-z]+):\s*/i.exec(source);
  if (named) {
    const name = named[1]!.toLowerCase();
    if (!FIELDS.includes(name as IntakeField))
      throw new UsageError(
        'intake.rule',
        `${where} “${source}” names no field “${name}:” (title, content, author or category); quote the words to match them as written`,
      );
    field = name as IntakeField;
    body = source.slice(named[0].length);
  }
  if ((body.match(/"/g)?.length ?? 0) % 2 === 1)
    throw new UsageError('intake.rule', `${where} “${source}” has a quote that is not closed`);
  const terms: Term[] = [];
  for (const m of body.matchAll(/"([^"]*)"|(\S+)/g)) {
    const words = wordPatterns(m[1] ?? m[2] ?? '');
    if (words.length > 0) terms.push({ words });
  }
  if (terms.length === 0)
    throw new UsageError(
      'intake.rule',
      `${where} “${source}” has no words to match${field ? ` after “${field}:”` : ''}`,
    );
  return { source, field, terms };
}

/** Checks and compiles a source's rules; throws a UsageError naming the first bad one. */
export function compileIntake(rules: IntakeRules): CompiledIntake {
  const list = (kind: 'include' | 'exclude'): IntakeRule[] => {
    const written = rules[kind];
    if (written.length > MAX_RULES)
      throw new UsageError('intake.rule', `at most ${MAX_RULES} ${kind} rules (${written.length} given)`);
    return written.map((r, i) => parseIntakeRule(r, `${kind} rule ${i + 1}`));
  };
  const whole = (value: number | null, what: string, max: number): number | null => {
    if (value === null) return null;
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new UsageError(
        'intake.limit',
        `${what} must be a whole number from 1 to ${max} (${value} given)`,
      );
    return value;
  };
  return {
    include: list('include'),
    exclude: list('exclude'),
    maxPerCheck: whole(rules.maxPerCheck, 'the most entries a check takes', 10_000),
    maxAgeDays: whole(rules.maxAgeDays, 'the oldest entry taken, in days,', 36_500),
  };
}

/** The rules as written, each list trimmed and without empty lines (a form's text area, a config list). */
export function normalizeIntake(rules: IntakeRules): IntakeRules {
  const clean = (list: readonly string[]) =>
    list.map((r) => r.replace(/\s+/g, ' ').trim()).filter((r) => r !== '');
  return { ...rules, include: clean(rules.include), exclude: clean(rules.exclude) };
}

/** The rules in words, for the audit log and the command line: "include [a, b]; exclude [c]; at most 5 a check". */
export function describeIntake(rules: IntakeRules): string {
  const parts: string[] = [];
  if (rules.include.length > 0) parts.push(`include ${rules.include.map((r) => `“${r}”`).join(', ')}`);
  if (rules.exclude.length > 0) parts.push(`exclude ${rules.exclude.map((r) => `“${r}”`).join(', ')}`);
  if (rules.maxPerCheck !== null) parts.push(`at most ${rules.maxPerCheck} new entries a check`);
  if (rules.maxAgeDays !== null) parts.push(`nothing published more than ${rules.maxAgeDays} days before`);
  return parts.length > 0 ? parts.join('; ') : 'no intake rules';
}

/** Whether a source's rules keep anything out by keyword (the limits act on new entries only). */
export function hasKeywordRules(rules: CompiledIntake | IntakeRules): boolean {
  return rules.include.length > 0 || rules.exclude.length > 0;
}

/** The keyword rules' verdict on one entry. */
export function keywordVerdict(rules: CompiledIntake, subject: IntakeSubject): IntakeVerdict {
  if (!hasKeywordRules(rules)) return null;
  const fields = new FieldWords(subject);
  for (const rule of rules.exclude)
    if (ruleMatches(rule, fields)) return { kind: 'rule', why: `exclude rule “${rule.source}”` };
  if (rules.include.length > 0 && !rules.include.some((rule) => ruleMatches(rule, fields)))
    return {
      kind: 'rule',
      why:
        rules.include.length === 1
          ? `does not match the include rule “${rules.include[0]!.source}”`
          : `matches none of the ${rules.include.length} include rules`,
    };
  return null;
}

/** The age limit's verdict on a new entry, by its publication date (an entry without one is taken). */
export function ageVerdict(rules: CompiledIntake, publishedAt: Date | null, now: Date): IntakeVerdict {
  if (rules.maxAgeDays === null || publishedAt === null) return null;
  if (now.getTime() - publishedAt.getTime() <= rules.maxAgeDays * 86_400_000) return null;
  return {
    kind: 'age',
    why: `published ${publishedAt.toISOString().slice(0, 10)}, more than ${rules.maxAgeDays} days before it was first seen`,
  };
}

/** The per-check limit's verdict on the new entries beyond it. */
export function limitVerdict(maxPerCheck: number): IntakeVerdict {
  return { kind: 'limit', why: `beyond the ${maxPerCheck} newest entries that one check takes` };
}

/** A new entry as the intake rules judge it. */
export interface IntakeCandidate {
  subject: IntakeSubject;
  publishedAt: Date | null;
  /** The time the site sorts it by (ms): the per-check limit keeps the newest. */
  sortAt: number;
}

/**
 * The rules' verdicts on the new entries of one check, in their order: the keyword rules and the
 * age limit judge each; then, of those left, the per-check limit keeps the newest.
 */
export function intakeVerdicts(
  rules: CompiledIntake,
  candidates: readonly IntakeCandidate[],
  now: Date,
): IntakeVerdict[] {
  const verdicts = candidates.map(
    (c) => keywordVerdict(rules, c.subject) ?? ageVerdict(rules, c.publishedAt, now),
  );
  const passing = candidates.map((c, i) => ({ c, i })).filter(({ i }) => verdicts[i] === null);
  if (rules.maxPerCheck !== null && passing.length > rules.maxPerCheck) {
    const newestFirst = passing.sort((a, b) => b.c.sortAt - a.c.sortAt);
    for (const { i } of newestFirst.slice(rules.maxPerCheck)) verdicts[i] = limitVerdict(rules.maxPerCheck);
  }
  return verdicts;
}

/** Folds a text to the words rules compare: lower case, accents off, compatibility forms folded. */
export function foldWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

function wordPatterns(text: string): Term['words'] {
  const out: Term['words'] = [];
  for (const piece of text.split(/\s+/)) {
    if (piece === '') continue;
    const prefix = /\*+$/.test(piece);
    const words = foldWords(piece.replace(/\*+$/, ''));
    words.forEach((w, i) => out.push({ text: w, prefix: prefix && i === words.length - 1 }));
  }
  return out;
}

/** An entry's fields as folded words, each read once and only when a rule asks for it. */
class FieldWords {
  private readonly cache = new Map<IntakeField, string[][]>();
  constructor(private readonly subject: IntakeSubject) {}

  /** The field's segments: one for a text, one per category (a phrase does not cross two). */
  of(field: IntakeField): string[][] {
    let segments = this.cache.get(field);
    if (!segments) {
      const s = this.subject;
      segments =
        field === 'category'
          ? s.categories.map(foldWords)
          : [foldWords((field === 'title' ? s.title : field === 'author' ? s.author : textOf(s)) ?? '')];
      this.cache.set(field, segments);
    }
    return segments;
  }
}

function textOf(subject: IntakeSubject): string | null {
  return typeof subject.text === 'function' ? subject.text() : subject.text;
}

function ruleMatches(rule: IntakeRule, fields: FieldWords): boolean {
  const fieldsOf: IntakeField[] = rule.field ? [rule.field] : ['title', 'content'];
  return rule.terms.every((term) =>
    fieldsOf.some((f) => fields.of(f).some((segment) => termIn(term, segment))),
  );
}

function termIn(term: Term, words: readonly string[]): boolean {
  const n = term.words.length;
  outer: for (let i = 0; i + n <= words.length; i++) {
    for (let j = 0; j < n; j++) {
      const want = term.words[j]!;
      const have = words[i + j]!;
      if (want.prefix ? !have.startsWith(want.text) : have !== want.text) continue outer;
    }
    return true;
  }
  return false;
}
