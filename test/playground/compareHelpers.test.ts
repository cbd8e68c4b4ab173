/**
 * The Node-testable pieces of compare.html: the browser stand-in for `node:util`'s parseArgs
 * (checked against Node's own on the CLI's compare flags), folder splitting and pairing of picked
 * files, and the exact PNG decoder the workers use (against sharp-free expectations built here).
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { COMPARE_FLAGS } from '../../src/cli/options/flags';
import { parseFlags } from '../../src/cli/options/parse';
import { flagName } from '../../src/cli/options/flags';
import { parseArgs } from '../../playground/src/compare/parseArgs';
import { pairPicked, splitFolder } from '../../playground/src/compare/picked';
import { decodePng } from '../../playground/src/compare/decode';

const options = Object.fromEntries(
  Object.entries(COMPARE_FLAGS).map(([key, def]) => [flagName(key), { type: def.kind === 'boolean' ? ('boolean' as const) : ('string' as const), ...('short' in def && def.short ? { short: def.short } : {}) }]),
);

function outcome(parse: typeof parseArgs, args: string[]) {
  try {
    const { values, positionals } = parse({ args, options, strict: true, allowPositionals: true });
    return { values: { ...values }, positionals };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('parseArgs (browser stand-in for node:util)', () => {
  it.each([
    [['--data', 'd', '--losses', 'diceLoss,focalLoss{gamma:2}', '--epochs', '3', '-q']],
    [['--val-split=0.3', '--save-predictions', 'extra']],
    [['--foreground', '0', '--ignore-index', '255', '--mode', 'binary']],
  ])('gives what Node gives for %j', (args) => {
    expect(outcome(parseArgs, args)).toEqual(outcome(nodeParseArgs as unknown as typeof parseArgs, args));
  });

  it("fails where Node fails, with messages the CLI's parser turns into its own errors", () => {
    expect(outcome(parseArgs, ['--epoch', '3']).error).toMatch(/^Unknown option '--epoch'/);
    expect(outcome(nodeParseArgs as unknown as typeof parseArgs, ['--epoch', '3']).error).toMatch(/Unknown option '--epoch'/);
    expect(outcome(parseArgs, ['--epochs']).error).toMatch(/^Option '--epochs <value>' argument missing/);
    expect(() => parseFlags('compare', COMPARE_FLAGS, ['--epoch', '3'])).toThrow(/unknown option '--epoch' \(did you mean '--epochs'\?\)/);
  });
});

const file = (path: string) => Object.defineProperty(new File([new Uint8Array(1)], path.split('/').pop()!), 'webkitRelativePath', { value: path });

describe('picked files', () => {
  it('splitFolder() takes images/ and masks/ of a picked folder, as the CLI reads --data', () => {
    const picked = splitFolder([file('set/images/a.png'), file('set/masks/a.png'), file('set/images/b.jpg'), file('set/masks/b.png'), file('set/readme.txt')]);
    expect(picked.folder).toBe('set');
    expect(picked.images.map((f) => f.name)).toEqual(['a.png', 'b.jpg']);
    expect(picked.masks.map((f) => f.name)).toEqual(['a.png', 'b.png']);
    expect(pairPicked(picked).map((p) => [p.stem, p.image.name, p.mask.name])).toEqual([['a', 'a.png', 'a.png'], ['b', 'b.jpg', 'b.png']]);
  });

  it("pairPicked() refuses unpaired files with the CLI's message and suggests the mask suffix", () => {
    const picked = { images: [file('a.png')], masks: [file('a_mask.png')] };
    expect(() => pairPicked(picked)).toThrow(/Did you mean --mask-suffix _mask\?/);
    expect(pairPicked(picked, '_mask').map((p) => p.mask.name)).toEqual(['a_mask.png']);
  });
});

describe('decodePng() in the worker', () => {
  it('keeps 16-bit gray samples exactly', () => {
    const data = Uint16Array.from([0, 1, 255, 256, 40000, 65535]);
    const image = decodePng(encode({ width: 3, height: 2, channels: 1, depth: 16, data }), 'm.png');
    expect(image).toMatchObject({ width: 3, height: 2, channels: 1, bitDepth: 16 });
    expect(Array.from(image.data)).toEqual(Array.from(data));
  });

  it('keeps 8-bit RGBA samples and refuses bytes that are not a PNG, naming the file', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 250, 251, 252, 253]);
    expect(Array.from(decodePng(encode({ width: 2, height: 1, channels: 4, depth: 8, data }), 'x.png').data)).toEqual(Array.from(data));
    expect(() => decodePng(new Uint8Array([1, 2, 3]), 'masks/bad.png')).toThrow(/^cannot read masks\/bad.png as a PNG/);
  });

  it('keeps a 2-bit palette PNG\'s per-pixel indices and expands its colours', () => {
    // Indices 0, 1, 2 packed two bits each, most significant first: 00 01 10 00 = 0b00011000.
    const colours = [[10, 20, 30], [40, 50, 60], [70, 80, 90]];
    const png = encode({ width: 3, height: 1, channels: 1, depth: 2, data: Uint8Array.from([0b00011000]), palette: colours });
    const image = decodePng(png, 'p.png');
    expect(Array.from(image.palette!.indices)).toEqual([0, 1, 2]);
    expect(image.palette!.colours).toEqual(colours);
    expect(Array.from(image.data)).toEqual(colours.flat());
  });
});
