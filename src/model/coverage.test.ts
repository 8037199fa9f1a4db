import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFixture } from '../../test/support/fixtures.js';
import {
  chooseCoverage,
  clusterInOrder,
  COVERAGE_TERMS,
  coverageSimilarity,
  coverageTerms,
  inverseFrequency,
  LEAD_WORDS,
  termsOf,
  type CoverageTerms,
} from './coverage.js';
import { wordHash } from './fingerprint.js';

const flat = () => 1;

describe('coverage terms', () => {
  it('keeps the words that carry the news, stemmed, and leaves out the ones every text has', () => {
    assert.deepEqual(termsOf('The river floods 212 homes, and it is said to be rising on 3 March'), [
      'river',
      'flood',
      '212',
      'home',
      'rise',
      'march',
    ]);
  });

  it('describes an entry by its title and lead, the heaviest terms first', () => {
    const lead = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const { terms, weights } = coverageTerms('Harbour floods', `Harbour ${lead}`);
    assert.equal(terms.length, COVERAGE_TERMS);
    assert.equal(terms[0], wordHash('harbour'), 'in the title and the lead');
    assert.equal(weights[0], 2);
    assert.equal(terms[1], wordHash('flood'));
    assert.ok(!terms.includes(wordHash(`word${LEAD_WORDS + 10}`)), 'beyond the lead');
    assert.deepEqual(coverageTerms(null, null).terms, new Uint32Array(0));
  });
});

describe('coverage similarity', () => {
  const a = coverageTerms(
    'Storm floods the Lune valley',
    'Homes in Kelby evacuated as the river bursts its banks.',
  );
  const b = coverageTerms('Kelby families rescued as the Lune bursts its banks', 'Storm brings floods.');
  const other = coverageTerms('Comet visible this week', 'Look north-west after sunset.');

  it('is 1 for one text, symmetric, and 0 for texts with no term in common', () => {
    assert.ok(Math.abs(coverageSimilarity(a, a, flat) - 1) < 1e-9);
    assert.equal(coverageSimilarity(a, b, flat), coverageSimilarity(b, a, flat));
    assert.ok(coverageSimilarity(a, b, flat) > 0.3);
    assert.equal(coverageSimilarity(a, other, flat), 0);
    assert.equal(coverageSimilarity(a, coverageTerms(null, null), flat), 0);
  });

  it('weighs a term by its rarity: shared common words count for little', () => {
    const rare = new Set([wordHash('kelby'), wordHash('lune')]);
    const rarity = (t: number) =>
      rare.has(t) ? inverseFrequency(1, 10_000) : inverseFrequency(5_000, 10_000);
    const common: CoverageTerms = coverageTerms('Storm floods rescued', null);
    assert.ok(coverageSimilarity(a, b, rarity) > coverageSimilarity(a, common, rarity));
    assert.ok(
      inverseFrequency(0, 0) > inverseFrequency(10, 20),
      'the prior keeps a new site’s few entries from being all there is',
    );
  });

  it('joins an event by its average: near one report and far from the rest is not enough', () => {
    const report = (text: string) => coverageTerms(null, text);
    const flood = [
      report('Lune floods Kelby homes'),
      report('Lune floods Ashworth shops'),
      report('Kelby Ashworth Lune floods rescue'),
    ];
    const chained = {
      key: 'chain',
      members: [
        report('Lune floods Kelby homes'),
        report('comet sunset telescope'),
        report('comet stargazers fell'),
      ],
    };
    const chosen = chooseCoverage(
      report('Lune floods Kelby rescue'),
      [chained, { key: 'flood', members: flood }],
      flat,
    );
    assert.equal(chosen?.key, 'flood');
    assert.equal(chooseCoverage(report('Lune floods Kelby rescue'), [chained], flat), null);
    assert.equal(chooseCoverage(report('anything'), [], flat), null);
  });
});

describe('coverage clustering on the labelled set', () => {
  it('joins no two events, and puts together most reports of each', () => {
    const set = JSON.parse(readFixture(import.meta.url, 'coverage-events.json').toString('utf8')) as {
      events: Array<{ id: string; articles: Array<{ hours: number; title: string; text: string }> }>;
    };
    const items = set.events.flatMap((e) =>
      e.articles.map((a) => ({
        event: e.id,
        at: a.hours * 3_600_000,
        terms: coverageTerms(a.title, a.text),
      })),
    );
    const df = new Map<number, number>();
    for (const item of items) for (const t of item.terms.terms) df.set(t, (df.get(t) ?? 0) + 1);
    const cluster = clusterInOrder(items, (t) => inverseFrequency(df.get(t) ?? 0, items.length));
    let together = 0;
    let found = 0;
    let pairs = 0;
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++) {
        const one = cluster.get(items[i]!) === cluster.get(items[j]!);
        const same = items[i]!.event === items[j]!.event;
        if (same) pairs++;
        if (one && same) found++;
        if (one) together++;
      }
    assert.equal(together, found, 'precision 1: no pair of two events in one cluster');
    // Measured: 38 of the 60 pairs without a corpus around them (bench/stories/coverage.ts).
    assert.ok(found / pairs >= 0.6, `recall ${found}/${pairs}`);
  });
});
