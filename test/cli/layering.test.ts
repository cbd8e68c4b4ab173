/**
 * The CLI's import rules (REVIEW.md §5): `pipeline/` and `report/` are portable (no Node, no
 * sharp, no process, no Buffer, not even in a comment) and import only downward; only `node/`
 * (plus `main.ts`, and `options/parse.ts` for `node:util`'s parseArgs) touches Node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(__dirname, '..', '..', 'src', 'cli');
const NODE_ONLY = /node:|\bsharp\b|\bprocess\.|\bBuffer\b/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `file:line: text` for each line of `text` that mentions something Node-only. */
function nodeMentions(name: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => (NODE_ONLY.test(line) ? [`${name}:${i + 1}: ${line.trim()}`] : []));
}

/** The relative module specifiers a file imports or re-exports. */
function imports(text: string): string[] {
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]);
}

const rel = (file: string) => relative(CLI, file).split('\\').join('/');
const cliFiles = files(CLI).map((file) => ({ name: rel(file), text: readFileSync(file, 'utf8') }));
const inFolder = (folder: string) => cliFiles.filter((f) => f.name.startsWith(`${folder}/`));

describe('src/cli layering', () => {
  it('finds the folders it guards (and would flag a Node mention)', () => {
    expect(inFolder('pipeline').map((f) => f.name)).toContain('pipeline/rng.ts');
    expect(inFolder('report').map((f) => f.name)).toContain('report/html.ts');
    expect(nodeMentions('x.ts', "import { a } from 'node:fs';\nconst b = Buffer.from(c);\nok();")).toEqual([
      "x.ts:1: import { a } from 'node:fs';",
      'x.ts:2: const b = Buffer.from(c);',
    ]);
  });

  it.each(['pipeline', 'report'])('%s/ never mentions node:, sharp, process. or Buffer', (folder) => {
    expect(inFolder(folder).flatMap((f) => nodeMentions(f.name, f.text))).toEqual([]);
  });

  it('pipeline/ imports only pipeline/, errors.ts and the public library', () => {
    const bad = inFolder('pipeline').flatMap((f) =>
      imports(f.text)
        .filter((m) => !(m.startsWith('./') || m === '../errors.js' || m === '../../index.js' || m === '../../types.js'))
        .map((m) => `${f.name} imports ${m}`),
    );
    expect(bad).toEqual([]);
  });

  it('report/ imports only report/ and the pipeline types (other pipeline modules for their types only)', () => {
    // `import type` is erased: the report takes the statistics' and records' shapes, never their code
    const typeOnly = (text: string) => text.replace(/^import type [^;]*from '\.\.\/pipeline\/\w+\.js';$/gm, '');
    const bad = inFolder('report').flatMap((f) =>
      imports(typeOnly(f.text)).filter((m) => !(m.startsWith('./') || m === '../pipeline/types.js')).map((m) => `${f.name} imports ${m}`),
    );
    expect(bad).toEqual([]);
  });

  it('only node/ and main.ts reach Node or node/ (options/parse.ts uses node:util parseArgs)', () => {
    const outside = cliFiles.filter((f) => !f.name.startsWith('node/') && f.name !== 'main.ts');
    const bad = outside.flatMap((f) => [
      ...[...f.text.matchAll(/from\s+'(node:[^']+)'/g)].filter((m) => !(f.name === 'options/parse.ts' && m[1] === 'node:util')).map((m) => `${f.name} imports ${m[1]}`),
      ...imports(f.text).filter((m) => /(^|\/)node\//.test(m)).map((m) => `${f.name} imports ${m}`),
    ]);
    expect(bad).toEqual([]);
  });

  it('the browser compare (playground/src/compare/) reaches no Node and only the portable core; only its adapter (the door to the core) calls training, scoring, statistics and the report', () => {
    const dir = join(__dirname, '..', '..', 'playground', 'src', 'compare');
    const page = files(dir).map((file) => ({ name: relative(dir, file).split('\\').join('/'), text: readFileSync(file, 'utf8') }));
    expect(page.map((f) => f.name)).toEqual(expect.arrayContaining(['coreAdapter.ts', 'worker.ts', 'browserEnv.ts']));
    const specifiers = (text: string) => [...text.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]);
    const core = (m: string) => m.replace(/^(\.\.\/)+src\/cli\//, '');
    const portable = /^(env|errors|options\/(flags|parse|plan|lossSpec)|orchestrate\/(loadData|announce|overlay|runSettings|runOne|compareReport)|pipeline\/\w+|report\/\w+)$/;
    const replaced = /^(pipeline\/(trainRun|evaluate|score|stats)|report\/(html|csv|data|text)|orchestrate\/(runOne|compareReport))$/;
    const bad = page.flatMap((f) =>
      specifiers(f.text).flatMap((m) => {
        if (/^node:|^sharp$/.test(m)) return [`${f.name} imports ${m}`];
        if (!m.includes('src/cli/')) return [];
        if (!portable.test(core(m))) return [`${f.name} imports ${m}`];
        return replaced.test(core(m)) && f.name !== 'coreAdapter.ts' ? [`${f.name} imports ${m} (only coreAdapter.ts may)`] : [];
      }),
    );
    expect(bad).toEqual([]);
  });
});
