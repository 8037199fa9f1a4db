import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  NO_INTAKE_RULES,
  ageVerdict,
  compileIntake,
  foldWords,
  keywordVerdict,
  normalizeIntake,
  parseIntakeRule,
  type IntakeRules,
  type IntakeSubject,
} from './intake.js';
import { UsageError } from './errors.js';

const subject = (patch: Partial<IntakeSubject> = {}): IntakeSubject => ({
  title: 'Council votes on the bridge repairs',
  text: 'The city council of Riverside voted on Tuesday to fund the repairs. José García, the mayor, said so.',
  author: 'Ada Lovelace',
  categories: ['Local politics', 'Transport'],
  ...patch,
});

const rules = (patch: Partial<IntakeRules>) => compileIntake({ ...NO_INTAKE_RULES, ...patch });
const kept = (r: Partial<IntakeRules>, s: IntakeSubject = subject()) => keywordVerdict(rules(r), s) === null;

describe('intake rules', () => {
  it('take everything when there are none', () => {
    assert.equal(keywordVerdict(rules({}), subject()), null);
  });

  it('match whole words in any case and with or without accents', () => {
    const table: Array<[string, boolean]> = [
      ['council', true],
      ['COUNCIL', true],
      ['vote', false], // "votes" and "voted" are other words
      ['vote*', true],
      ['jose garcia', true],
      ['"José García"', true],
      ['"garcia jose"', false], // a phrase keeps its order
      ['council tuesday', true], // every term, anywhere in the title or the content
      ['council wednesday', false],
      ['ｃｏｕｎｃｉｌ', true], // full-width letters fold to their plain forms
    ];
    for (const [rule, matches] of table)
      assert.equal(
        kept({ exclude: [rule] }),
        !matches,
        `exclude ${rule} should ${matches ? '' : 'not '}match`,
      );
  });

  it('read only the field a rule names', () => {
    assert.equal(kept({ exclude: ['title:tuesday'] }), true, 'Tuesday is in the text, not the title');
    assert.equal(kept({ exclude: ['content:tuesday'] }), false);
    assert.equal(kept({ exclude: ['author:lovelace'] }), false);
    assert.equal(kept({ exclude: ['author:council'] }), true);
    assert.equal(kept({ exclude: ['category:transport'] }), false);
    assert.equal(
      kept({ exclude: ['category:"politics transport"'] }),
      true,
      'a phrase stays in one category',
    );
    assert.equal(kept({ exclude: ['Category: local'] }), false, 'field names in any case');
    assert.equal(kept({ exclude: ['"update: council"'] }), true, 'quoted, a colon is no field');
  });

  it('take an entry that matches one include rule and no exclude rule', () => {
    assert.equal(kept({ include: ['election', 'bridge'] }), true);
    assert.equal(kept({ include: ['election', 'tram'] }), false);
    assert.equal(kept({ include: ['bridge'], exclude: ['author:ada'] }), false, 'exclusion wins');
  });

  it('say why an entry is kept out', () => {
    assert.deepEqual(keywordVerdict(rules({ exclude: ['sponsored', ' title:bridge '] }), subject()), {
      kind: 'rule',
      why: 'exclude rule “title:bridge”',
    });
    assert.deepEqual(keywordVerdict(rules({ include: ['election'] }), subject()), {
      kind: 'rule',
      why: 'does not match the include rule “election”',
    });
    assert.deepEqual(keywordVerdict(rules({ include: ['election', 'tram'] }), subject()), {
      kind: 'rule',
      why: 'matches none of the 2 include rules',
    });
  });

  it('cope with missing fields', () => {
    const bare = subject({ title: null, text: null, author: null, categories: [] });
    assert.equal(kept({ exclude: ['council'] }, bare), true);
    assert.equal(kept({ include: ['author:ada'] }, bare), false);
  });

  it('refuse rules that cannot match, naming them', () => {
    const refused: Array<[Partial<IntakeRules>, RegExp]> = [
      [{ include: ['  '] }, /include rule 1 is empty/],
      [{ exclude: ['ok', 'title:'] }, /exclude rule 2 “title:” has no words to match after “title:”/],
      [{ exclude: ['"open phrase'] }, /exclude rule 1 “"open phrase” has a quote that is not closed/],
      [{ exclude: ['!!! ***'] }, /has no words to match/],
      [{ exclude: ['titel:bridge'] }, /names no field “titel:” \(title, content, author or category\)/],
      [{ exclude: ['x'.repeat(301)] }, /longer than 300 characters/],
      [{ exclude: Array.from({ length: 101 }, (_, i) => `w${i}`) }, /at most 100 exclude rules/],
      [{ maxPerCheck: 0 }, /the most entries a check takes must be a whole number from 1 to 10000/],
      [{ maxAgeDays: 1.5 }, /the oldest entry taken, in days, must be a whole number/],
    ];
    for (const [given, message] of refused)
      assert.throws(
        () => rules(given),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
  });

  it('stay linear on input made to be slow', () => {
    const words = Array.from({ length: 50_000 }, () => 'a').join(' ');
    const rule = `"${Array.from({ length: 40 }, () => 'a').join(' ')} b"`;
    assert.equal(kept({ exclude: [rule] }, subject({ text: words })), true);
  });

  it('keep their text as written, trimmed, without empty lines', () => {
    assert.deepEqual(normalizeIntake({ ...NO_INTAKE_RULES, include: [' a  b ', '', '  '], exclude: ['c'] }), {
      ...NO_INTAKE_RULES,
      include: ['a b'],
      exclude: ['c'],
    });
    assert.equal(parseIntakeRule('  title:  "a   b" ', 'rule').source, 'title: "a b"');
    assert.deepEqual(foldWords('Ça va, CAFÉ-crème!'), ['ca', 'va', 'cafe', 'creme']);
  });
});

describe('the age limit', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  it('keeps out what was published before it, and takes undated entries', () => {
    const r = rules({ maxAgeDays: 30 });
    assert.equal(ageVerdict(r, new Date('2026-11-10T12:00:00Z'), now), null);
    assert.deepEqual(ageVerdict(r, new Date('2018-03-01T00:00:00Z'), now), {
      kind: 'age',
      why: 'published 2018-03-01, more than 30 days before it was first seen',
    });
    assert.equal(ageVerdict(r, null, now), null);
    assert.equal(ageVerdict(rules({}), new Date(0), now), null);
  });
});
