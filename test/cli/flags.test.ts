import { describe, expect, it } from 'vitest';
import { COMPARE_FLAGS, EVAL_FLAGS, TRAIN_FLAGS, flagName, type FlagTable } from '../../src/cli/options/flags.js';
import { COMMAND_HELP, COMMANDS, helpText } from '../../src/cli/options/help.js';
import { parseFlags } from '../../src/cli/options/parse.js';
import { UsageError } from '../../src/cli/errors.js';

const TABLES: [string, FlagTable][] = [['compare', COMPARE_FLAGS], ['train', TRAIN_FLAGS], ['eval', EVAL_FLAGS]];

describe('the flag table', () => {
  it.each(TABLES)('%s: every flag has help, a placeholder unless boolean, and a default inside its range', (_, table) => {
    for (const [key, def] of Object.entries(table)) {
      expect(def.help.length, key).toBeGreaterThan(0);
      if (def.kind === 'boolean') continue;
      expect(def.value, key).toMatch(/^[A-Z]+$/);
      if (def.kind === 'int' && def.default !== undefined) {
        expect(def.default).toBeGreaterThanOrEqual(def.min);
        expect(def.default).toBeLessThanOrEqual(def.max ?? Infinity);
      }
      if (def.kind === 'number' && def.default !== undefined) {
        expect(def.default > def.min && def.default < def.max).toBe(true);
      }
      if (def.kind === 'enum') expect(def.choices).toContain(def.default);
    }
  });

  it('names each flag in kebab-case after its key', () => {
    expect(flagName('valSplit')).toBe('val-split');
    expect(flagName('ignoreIndex')).toBe('ignore-index');
    expect(flagName('depth')).toBe('depth');
  });

  it.each(COMMANDS)('segloss %s --help lists every flag of its table, with the table default', (command) => {
    const text = helpText(command);
    for (const [key, def] of Object.entries(COMMAND_HELP[command].flags)) {
      const row = new RegExp(`^  (-\\w, |    )--${flagName(key)}( |$)`);
      const line = text.split('\n').find((l) => row.test(l));
      expect(line, key).toBeDefined();
      const shown = def.shown ?? (def.kind !== 'boolean' && def.default !== undefined ? String(def.default) : undefined);
      if (shown !== undefined) expect(line).toContain(`(default: ${shown})`);
    }
  });
});

describe('parseFlags()', () => {
  it('reads typed values and fills in the table defaults', () => {
    const { flags, given } = parseFlags('compare', COMPARE_FLAGS, ['--epochs', '3', '--lr', '0.01', '--mode', 'multiclass', '-q']);
    expect(flags.epochs).toBe(3);
    expect(flags.lr).toBe(0.01);
    expect(flags.mode).toBe('multiclass');
    expect(flags.quiet).toBe(true);
    expect(flags.depth).toBe(COMPARE_FLAGS.depth.default);
    expect(flags.valSplit).toBe(COMPARE_FLAGS.valSplit.default);
    expect(flags.classes).toBeUndefined(); // no default: "largest mask value + 1" is decided by the data
    expect([...given].sort()).toEqual(['epochs', 'lr', 'mode', 'quiet']);
  });

  it('checks integers against the closed range of the table', () => {
    const { min, max } = COMPARE_FLAGS.depth;
    expect(parseFlags('compare', COMPARE_FLAGS, ['--depth', String(max)]).flags.depth).toBe(max);
    expect(() => parseFlags('compare', COMPARE_FLAGS, ['--depth', String(max + 1)])).toThrow(`--depth must be an integer in [${min}, ${max}], got '${max + 1}'.`);
    expect(() => parseFlags('compare', COMPARE_FLAGS, ['--depth', '1.5'])).toThrow(/--depth must be an integer/);
    expect(() => parseFlags('compare', COMPARE_FLAGS, ['--depth', ' '])).toThrow(/--depth must be an integer/);
  });

  it('checks numbers against an open range, excluding its ends', () => {
    expect(parseFlags('compare', COMPARE_FLAGS, ['--val-split', '0.5']).flags.valSplit).toBe(0.5);
    for (const end of ['0', '1']) {
      expect(() => parseFlags('compare', COMPARE_FLAGS, ['--val-split', end])).toThrow(`--val-split must be a number in (0, 1), got '${end}'.`);
    }
  });

  it('suggests the nearest enum value and the nearest flag', () => {
    expect(() => parseFlags('compare', COMPARE_FLAGS, ['--backend', 'wsam'])).toThrow(/--backend must be one of auto, wasm, cpu, tensorflow, got 'wsam' \(did you mean 'wasm'\?\)/);
    expect(() => parseFlags('train', TRAIN_FLAGS, ['--epoch', '2'])).toThrow(/unknown option '--epoch' \(did you mean '--epochs'\?\); see segloss train --help/);
  });

  it('throws UsageError (exit status 2) for every command-line mistake', () => {
    for (const argv of [['--epochs'], ['stray'], ['--size', 'x']]) {
      expect(() => parseFlags('compare', COMPARE_FLAGS, argv), argv.join(' ')).toThrow(UsageError);
    }
  });

  it('requires a required flag, saying what it is', () => {
    expect(() => parseFlags('eval', EVAL_FLAGS, [])).toThrow('--model DIR is required (a folder written by segloss train).');
  });

  it('uses each command\'s own defaults for a shared flag', () => {
    expect(parseFlags('eval', EVAL_FLAGS, ['--model', 'm']).flags.syntheticCount).toBe(EVAL_FLAGS.syntheticCount.default);
    expect(EVAL_FLAGS.syntheticCount.default).not.toBe(TRAIN_FLAGS.syntheticCount.default);
  });

  it('answers --help without checking the other values', () => {
    const { flags } = parseFlags('eval', EVAL_FLAGS, ['--help', '--synthetic-count', 'nonsense']);
    expect(flags.help).toBe(true);
  });
});
