/**
 * Every `@example` in the TSDoc of src/ runs as written (imports of 'segloss' resolve to the
 * built package), and each value it prints with a `// ≈ v` comment matches v to the digits given.
 * Needs `npm run build` first (`npm test` does it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const dist = pathToFileURL(join(root, 'dist', 'esm', 'index.js')).href;
const work = mkdtempSync(join(root, 'node_modules', '.segloss-examples-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Example {
  file: string;
  index: number;
  code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function examples(): Example[] {
  const found: Example[] = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    if (file.includes(`${join('src', 'cli')}`)) continue;
    const text = readFileSync(file, 'utf8');
    const blocks = text.matchAll(/@example\s*\n((?:\s*\*.*\n)*?)\s*\*\s*```ts\s*\n((?:\s*\*.*\n)*?)\s*\*\s*```/g);
    let index = 0;
    for (const m of blocks) {
      const code = m[2]
        .split('\n')
        .map((line) => line.replace(/^\s*\* ?/, ''))
        .join('\n');
      found.push({ file: relative(root, file), index: index++, code });
    }
  }
  return found;
}

const NUMBER = '(-?\\d+(?:\\.\\d+)?(?:e-?\\d+)?)';

/**
 * Expected values of the lines that print, in order: the number after the last '=' or '≈' of
 * the line's comment (`// 2·log 2 ≈ 1.386`), or the comment itself when it is a number.
 */
function expectedValues(code: string): (number | undefined)[] {
  return [...code.matchAll(/\.print\(\);?[ \t]*(?:\/\/(.*))?/g)].map((m) => {
    const comment = m[1] ?? '';
    const found = comment.match(new RegExp(`[=≈]\\s*${NUMBER}\\s*$`)) ?? comment.match(new RegExp(`^\\s*${NUMBER}\\s*$`));
    return found ? Number(found[1]) : undefined;
  });
}

const all = examples();

describe('TSDoc @example blocks', () => {
  it('exist for every exported factory file', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
  });

  it.each(all.map((e) => [`${e.file} #${e.index}`, e] as const))('%s runs and prints what its comments say', (_label, example) => {
    const js = ts.transpileModule(example.code.replaceAll("from 'segloss'", `from '${dist}'`), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const file = join(work, `${example.file.replace(/[\\/]/g, '_')}-${example.index}.mjs`);
    writeFileSync(
      file,
      `import * as __tf from '@tensorflow/tfjs';\nawait __tf.setBackend('cpu');\n${js}\n`,
    );
    const out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const printed = [...out.matchAll(/Tensor\s*\n\s*(-?[\d.]+(?:e[-+]?\d+)?|NaN|Infinity)/g)].map((m) => Number(m[1]));
    for (const v of printed) expect(Number.isFinite(v)).toBe(true);
    const want = expectedValues(example.code);
    want.forEach((w, i) => {
      if (w === undefined) return;
      const decimals = (String(w).split('.')[1] ?? '').length;
      expect(Math.abs(printed[i] - w), `${example.file} value ${i}: printed ${printed[i]}, comment says ${w}`).toBeLessThanOrEqual(
        0.5 * 10 ** -decimals + 1e-9,
      );
    });
  });
});

describe('examples/thinStructures.mjs', () => {
  it('trains with Dice, clDice and skeleton recall for one epoch and reports Dice, skeleton recall and time per step', () => {
    // One epoch (4 steps per loss) keeps this short; the numbers are only checked for form and range.
    const out = execFileSync(process.execPath, [join(root, 'examples', 'thinStructures.mjs'), '--epochs=1'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const rows = [...out.matchAll(/^\| (.+?) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (\d+) \|$/gm)];
    expect(rows.map((r) => r[1])).toEqual(['diceLoss', 'diceLoss + 0.5·clDiceLoss', 'bceDiceLoss', 'bceDiceLoss + skeletonRecallLoss']);
    for (const [, , dice, recall, precision, ms] of rows) {
      for (const v of [dice, recall, precision]) {
        expect(Number(v)).toBeGreaterThanOrEqual(0);
        expect(Number(v)).toBeLessThanOrEqual(1);
      }
      expect(Number(ms)).toBeGreaterThan(0);
    }
    expect(out).toMatch(/1 epochs \(4 steps\), batch 8/);
  }, 600_000);
});
