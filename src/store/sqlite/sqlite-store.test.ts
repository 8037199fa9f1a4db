import { describeStoreContract } from '../store.contract.js';
import { openSqliteStore } from './open-sqlite.js';

describeStoreContract('SQLite', () => openSqliteStore(':memory:'));
