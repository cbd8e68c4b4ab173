/**
 * The published package works as users install it: `npm pack`, unpack the tarball into a
 * temporary project's node_modules beside the repo's tfjs install (segloss has no runtime
 * dependencies, so that is all `npm install` would do), then load it with ESM `import`,
 * CommonJS `require`, and type-check a TypeScript file against its types. Its README, which the
 * registry shows without the repository, links only to packed files or absolute URLs.
 * Needs `npm run build` first (`npm test` does it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface ReadmeLinks {
  repositoryBase(pkg: unknown): string;
  markdownLinks(text: string): { target: string; image: boolean }[];
  repositoryPath(target: string): string | null;
}

// Plain JavaScript without declarations: imported through a path variable, typed here.
const readmeLinksPath = '../scripts/readmeLinks.mjs';
const { repositoryBase, markdownLinks, repositoryPath } = (await import(/* @vite-ignore */ readmeLinksPath)) as ReadmeLinks;

const root = resolve(__dirname, '..');
let project = '';
let files: string[] = [];
let tarball = '';

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'segloss-pkg-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', project], root)) as {
    filename: string;
    files: { path: string }[];
  }[];
  files = packed[0].files.map((f) => f.path);
  tarball = join(project, packed[0].filename);
  const target = join(project, 'node_modules', 'segloss');
  mkdirSync(target, { recursive: true });
  run('tar', ['-xzf', join(project, packed[0].filename), '-C', target, '--strip-components=1'], root);
  symlinkSync(join(root, 'node_modules', '@tensorflow'), join(project, 'node_modules', '@tensorflow'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
}, 120_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed segloss package', () => {
  it('ships only dist, package.json, README and LICENSE', () => {
    const outside = files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f));
    expect(outside).toEqual([]);
    expect(files).toContain('dist/esm/index.js');
    expect(files).toContain('dist/cjs/index.js');
    expect(files).toContain('dist/esm/index.d.ts');
    expect(files).toContain('dist/cjs/index.d.cts');
  });

  it('ships every file package.json points to: exports, main, module, types, typesVersions, unpkg, jsdelivr, bin', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const targets = (v: unknown): string[] => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(targets) : []);
    const named = [...targets(pkg.exports), pkg.main, pkg.module, pkg.types, ...targets(pkg.typesVersions), pkg.unpkg, pkg.jsdelivr, ...targets(pkg.bin)];
    expect(named.length).toBeGreaterThan(10);
    for (const path of named) expect(files, path).toContain(path.replace(/^\.\//, ''));
    for (const file of ['segloss.esm.js', 'segloss-kernels.esm.js', 'segloss-shared.esm.js', 'segloss.min.js']) expect(files).toContain(`dist/browser/${file}`);
  });

  it('names its repository, homepage and issue tracker, all in one GitHub repository', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const base = repositoryBase(pkg);
    expect(base).toMatch(/^https:\/\/github\.com\/[^/]+\/segloss$/);
    expect(pkg.homepage).toBe(`${base}#readme`);
    expect(pkg.bugs.url).toBe(`${base}/issues`);
  });

  it('README links and images name a packed file, a page of the repository that exists, or another absolute URL', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const base = repositoryBase(pkg);
    const links = markdownLinks(readFileSync(join(root, 'README.md'), 'utf8')) as { target: string; image: boolean }[];
    expect(links.length).toBeGreaterThan(10);
    const broken = links.filter(({ target, image }) => {
      if (target.startsWith('#')) return false;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) return !files.includes(target.replace(/^\.\//, '').split('#')[0]);
      if (!target.startsWith('https://github.com/')) return false;
      // A link into the repository: under package.json's repository, to a file that exists here.
      const path = repositoryPath(target);
      return path === null || !target.startsWith(`${base}/${image ? 'raw' : 'blob'}/HEAD/`) || !existsSync(join(root, path.split('#')[0]));
    });
    // If this fails after a README edit or a new repository URL, run `npm run readme:links`.
    expect(broken.map((l) => l.target)).toEqual([]);
  });

  it('declares tfjs-core as a peer dependency and has no runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies['@tensorflow/tfjs-core']).toBe('^4');
  });

  it('does not bundle tfjs-core: dist imports it by name and contains none of its code', () => {
    const esmIndex = readFileSync(join(root, 'dist/esm/losses/dice.js'), 'utf8');
    expect(esmIndex).toMatch(/from '@tensorflow\/tfjs-core'/);
    const all = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(join(dir, e.name)) : [join(dir, e.name)]));
    const bundled = all(join(root, 'dist')).filter((f) => /class Engine|function registerKernel\(/.test(readFileSync(f, 'utf8')));
    expect(bundled).toEqual([]);
  });

  it('passes arethetypeswrong: types resolve for node10, node16 (ESM and CJS) and bundlers', () => {
    const attw = join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    // attw exits non-zero on any problem; its JSON says which.
    const report = JSON.parse(run(process.execPath, [attw, tarball, '--format', 'json'], project)) as { analysis: { problems: unknown[] } };
    expect(report.analysis.problems).toEqual([]);
  });

  it('loads with ESM import and computes a loss', () => {
    const out = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import * as tf from '@tensorflow/tfjs-core';
         import '@tensorflow/tfjs-backend-cpu';
         import { diceLoss } from 'segloss';
         await tf.setBackend('cpu');
         // I = 0, P = 4·σ(0) = 2, T = 0: Dice loss = 1 − 1 / (2 + 1) = 2/3.
         console.log(diceLoss()(tf.zeros([1, 2, 2, 1]), tf.zeros([1, 2, 2, 1])).dataSync()[0].toFixed(6));`,
      ],
      project,
    );
    expect(out.trim()).toBe((2 / 3).toFixed(6));
  });

  it('in Node, import registers the fused kernels at once: the first call on cpu runs them', () => {
    const out = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import * as tf from '@tensorflow/tfjs-core';
         import '@tensorflow/tfjs-backend-cpu';
         import { diceLoss } from 'segloss';
         await tf.setBackend('cpu');
         const info = await tf.profile(() => diceLoss()(tf.zeros([1, 2, 2, 1]), tf.zeros([1, 2, 2, 1])));
         console.log(info.kernels.map((k) => k.name).filter((n) => n.startsWith('Segloss')).join(','));`,
      ],
      project,
    );
    expect(out.trim()).toBe('SeglossSigmoidStats');
  });

  it("segloss/kernels loads with import and require and registers the kernels", () => {
    const check = "console.log(typeof tf.getKernel('SeglossSoftmaxStats', 'cpu'))";
    const esm = run(process.execPath, ['--input-type=module', '-e', `import * as tf from '@tensorflow/tfjs-core'; import 'segloss/kernels'; ${check};`], project);
    const cjs = run(process.execPath, ['-e', `const tf = require('@tensorflow/tfjs-core'); require('segloss/kernels'); ${check};`], project);
    expect([esm.trim(), cjs.trim()]).toEqual(['object', 'object']);
  });

  it('loads with CommonJS require and computes a loss', () => {
    const out = run(
      process.execPath,
      [
        '-e',
        `const tf = require('@tensorflow/tfjs-core');
         require('@tensorflow/tfjs-backend-cpu');
         const { bceLoss } = require('segloss');
         tf.setBackend('cpu').then(() => {
           // BCE of logit 0 is log 2 for any target.
           console.log(bceLoss()(tf.ones([1, 2, 2, 1]), tf.zeros([1, 2, 2, 1])).dataSync()[0].toFixed(6));
         });`,
      ],
      project,
    );
    expect(out.trim()).toBe(Math.LN2.toFixed(6));
  });

  it.each(['nodenext-esm', 'nodenext-cjs', 'bundler'])('type-checks a consumer file (%s)', (kind) => {
    const dir = join(project, kind);
    mkdirSync(dir, { recursive: true });
    const cjs = kind === 'nodenext-cjs';
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: cjs ? 'commonjs' : 'module' }));
    writeFileSync(
      join(dir, 'check.ts'),
      `import * as tf from '@tensorflow/tfjs-core';
       import { diceLoss, type DiceLossOptions, type LossFn } from 'segloss';
       import 'segloss/kernels';
       const options: DiceLossOptions = { mode: 'multiclass', smooth: 1 };
       const loss: LossFn = diceLoss(options);
       export const value: tf.Tensor = loss(tf.zeros([1, 2, 2], 'int32'), tf.zeros([1, 2, 2, 3]));
       // @ts-expect-error: 'smoth' is not an option.
       diceLoss({ smoth: 1 });
      `,
    );
    const moduleKind = kind === 'bundler' ? ['--module', 'esnext', '--moduleResolution', 'bundler'] : ['--module', 'nodenext', '--moduleResolution', 'nodenext'];
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(existsSync(tsc)).toBe(true);
    // Throws (and fails the test) with tsc's diagnostics if the file does not type-check.
    run(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', ...moduleKind, join(dir, 'check.ts')], project);
  });
});
