import type { Config } from '../config/index.js';
import type { Store } from '../store/index.js';

/**
 * Adds the sources the config file lists, once each: a source the operator removed later is not
 * brought back at the next start. A seed is remembered by the URL as the file writes it, so a
 * relative sample URL is not seeded twice when the site's address changes. Returns how many were added.
 */
export async function seedConfiguredSources(store: Store, config: Config, now: Date): Promise<number> {
  const fresh = new Set(
    await store.sources.claimConfigSeeds(
      config.sources.map((s) => s.key),
      now,
    ),
  );
  let added = 0;
  for (const seed of config.sources) {
    if (!fresh.has(seed.key) || (await store.sources.findByUrl(seed.url))) continue;
    await store.sources.add(
      {
        feedUrl: seed.url,
        name: seed.name,
        policy: seed.policy ?? 'full',
        fullText: seed.fullText,
        scraperSelector: seed.selector,
        scraperRemove: seed.remove,
        attributionTemplate: seed.attribution,
        searchEngines: seed.searchEngines,
        holdNew: seed.holdNew,
        section: seed.section,
        intake: seed.intake,
        language: seed.language,
      },
      now,
    );
    added++;
  }
  return added;
}
