import { InvalidArgumentError } from 'commander';
import {
  RIGHTS_POLICIES,
  SEARCH_ENGINE_POLICIES,
  type RightsPolicy,
  type SearchEnginePolicy,
} from '../model/source.js';

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('must be a TCP port (0–65535)');
  return n;
}

/** An ID of a source, a rule...: a positive whole number. */
export function parseId(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('must be an ID (a positive whole number)');
  return n;
}

export function parsePolicy(value: string): RightsPolicy {
  if (!(RIGHTS_POLICIES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${RIGHTS_POLICIES.join(', ')}`);
  }
  return value as RightsPolicy;
}

/** A search-engine policy, or "site" for the site's own. */
export function parseSearchEngines(value: string): SearchEnginePolicy | 'site' {
  if (value === 'site') return value;
  if (!(SEARCH_ENGINE_POLICIES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${SEARCH_ENGINE_POLICIES.join(', ')}, or site`);
  }
  return value as SearchEnginePolicy;
}

export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 10_000)
    throw new InvalidArgumentError('must be a whole number from 1 to 10000');
  return n;
}
