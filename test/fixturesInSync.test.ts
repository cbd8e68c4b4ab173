import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, fixtureNames } from './helpers/fixtures.js';

const contract = resolve(__dirname, '..', '..', 'shared', 'fixtures');

describe('test/fixtures', () => {
  it('is a verbatim copy of the contract fixtures in ../shared/fixtures', () => {
    // CI always has ../shared beside the repo; a user's clone without it skips nothing: the
    // assertion then checks the copy is non-empty instead.
    if (!existsSync(contract)) {
      expect(fixtureNames().length).toBeGreaterThan(0);
      return;
    }
    expect(fixtureNames()).toEqual(fixtureNames(contract));
    for (const name of fixtureNames(contract)) {
      expect(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8'), name).toBe(readFileSync(join(contract, `${name}.json`), 'utf8'));
    }
  });
});
