import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeEnv } from '../../src/cli/node/env.js';
import { TEST_ENV } from './runCli.js';
import { run } from '../../src/cli/run.js';

// The real data set beside the repository (../shared/data, see its README): 30 EM sections,
// membrane (mask value 0) is the foreground, about 22% of the pixels.
const ISBI = join(process.cwd(), '..', 'shared', 'data', 'isbi2012-em');
const root = mkdtempSync(join(tmpdir(), 'segloss-isbi-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The slow integration test (about 40 s on 2 shared cores): real data, 2 small runs at a quarter of the
// native resolution (128² for the model), scored at the masks' 512². Tagged so `npm run test:fast`
// (vitest --tags-filter='!integration') leaves it out. docs/cli.md has the full run at the defaults.
describe('segloss compare on ISBI 2012 EM (integration)', { tags: ['integration'] }, () => {
  it('beats the all-membrane baseline clearly on the held-out block em_24–em_29', async () => {
    expect(existsSync(join(ISBI, 'images')), `${ISBI} is missing: this test needs ../shared/data`).toBe(true);
    const out = join(root, 'report');
    let err = '';
    const io = { out: { write: () => true }, err: { write: (s: string) => (err += s), isTTY: false } };
    const code = await run(
      ['compare', '--data', ISBI, '--foreground', '0', '--scale', '0.25', '--patch', '64', '--width', '8', '--depth', '2', '--lr', '0.003',
        '--val-split', '0.2', '--epochs', '4', '--losses', 'bceDiceLoss,diceLoss', '--repeats', '1', '--jobs', '2', '--backend', 'wasm', '--quiet', '--out', out],
      io,
      nodeEnv(io, TEST_ENV), // the two losses in two worker threads, each with its own wasm instance
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    // Contiguous hold-out: the last 20% of the 30 sections in name order.
    expect(results.settings.valFiles).toEqual(['em_24', 'em_25', 'em_26', 'em_27', 'em_28', 'em_29']);
    expect(results.settings).toMatchObject({ resolution: 'native × 0.25 (aspect kept)', imageSizes: '512×512', patch: 64 });
    // Predicting membrane everywhere scores Dice 2f/(1+f) with f the held-out membrane fraction
    // at full size (the baseline is computed on the original masks): f = 0.196 on em_24–em_29, so 0.328.
    const baseline = results.baselines['all foreground'].dice;
    expect(baseline).toBeGreaterThan(0.32);
    expect(baseline).toBeLessThan(0.34);
    const best = results.losses.find((l: { label: string }) => l.label === results.best);
    expect(best.dice).toBeGreaterThan(baseline + 0.1);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/<table class="metrics">[\s\S]*bceDiceLoss[\s\S]*diceLoss[\s\S]*all foreground/);
    expect(html.match(/<svg /g)).toHaveLength(5); // error bars, top-two scatter, validation Dice, one loss chart per loss
    expect(html.match(/src="data:image\/png;base64,/g)).toHaveLength(4 * (2 + 2)); // 4 samples: image, truth, 2 losses
  });
});
