import { after, before, describe } from 'node:test';
import type { EntryInput } from '../model/entry.js';
import type { Store } from './store.js';
import type { ContractContext } from './contract/context.js';
import { queueAndListingsContract } from './contract/queue-listings.contract.js';
import { deskContract } from './contract/desk.contract.js';
import { identityContract } from './contract/identity.contract.js';
import { copiesContract } from './contract/copies.contract.js';
import { storiesContract } from './contract/stories.contract.js';
import { newsroomContract } from './contract/newsroom.contract.js';
import { searchContract } from './contract/search.contract.js';
import { sourcesAndRefreshesContract } from './contract/sources-refresh.contract.js';
import { takedownsAndUsersContract } from './contract/takedowns-users.contract.js';

/**
 * What every Store must do, whatever its engine. Each engine's test calls this with a function that
 * opens an empty store; the same assertions then hold for SQLite and for any engine added later.
 */
export function describeStoreContract(
  engine: string,
  open: () => Promise<Store>,
  options: { skip?: string | false } = {},
): void {
  describe(`the ${engine} store`, { skip: options.skip ?? false }, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    const t0 = new Date('2026-01-10T12:00:00Z');
    const entry = (n: number, patch: Partial<EntryInput> = {}): EntryInput => ({
      guid: `urn:entry:${n}`,
      url: `https://publisher.example/${n}`,
      title: `Entry ${n}`,
      author: 'Ada',
      publishedAt: new Date(t0.getTime() - n * 60_000),
      updatedAt: null,
      summaryHtml: `<p>Summary ${n}</p>`,
      contentHtml: `<p>Content ${n}</p>`,
      categories: ['news'],
      enclosures: [],
      contentHash: `hash-${n}`,
      ...patch,
    });

    const c: ContractContext = {
      get store() {
        return store;
      },
      t0,
      entry,
    };
    sourcesAndRefreshesContract(c);
    queueAndListingsContract(c);
    searchContract(c);
    takedownsAndUsersContract(c);
    deskContract(c);
    newsroomContract(c);
    identityContract(c);
    copiesContract(c);
    storiesContract(c);
  });
}
