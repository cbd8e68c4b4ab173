import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, fixtureNames } from './helpers/fixtures.js';
import { CORE_LOSS_FIXTURES } from './helpers/replay.js';

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

describe('fixture coverage', () => {
  it('every fixture file is replayed by some test (replayLossFixtures or loadCases)', () => {
    const testDir = resolve(__dirname);
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
      );
    const replayed = new Set<string>();
    for (const file of files(testDir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/replayLossFixtures\(\[([^\]]*)\]/g)) {
        for (const name of m[1].matchAll(/'([A-Za-z0-9]+)'/g)) replayed.add(name[1]);
      }
      for (const m of text.matchAll(/loadCases(?:<[^>]*>)?\('([A-Za-z0-9]+)'\)/g)) replayed.add(m[1]);
      if (/replayLossFixtures\(CORE_LOSS_FIXTURES\)/.test(text)) CORE_LOSS_FIXTURES.forEach((name) => replayed.add(name));
    }
    expect(fixtureNames().filter((name) => !replayed.has(name))).toEqual([]);
  });
});
