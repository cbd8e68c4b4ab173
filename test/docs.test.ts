/**
 * The API reference builds from the TSDoc (TypeDoc, as `npm run docs` does), and every exported
 * loss factory documents its formula's home, when to use it, a reference and a runnable example
 * (the examples themselves run in examples.test.ts).
 */
import { resolve } from 'node:path';
import { Application, ReflectionKind, type DeclarationReflection } from 'typedoc';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');

describe('API reference (TypeDoc)', () => {
  it('converts src/index.ts without errors and documents every loss factory fully', async () => {
    const app = await Application.bootstrap({
      entryPoints: [resolve(root, 'src/index.ts')],
      tsconfig: resolve(root, 'tsconfig.json'),
      logLevel: 'Error',
      skipErrorChecking: true,
    });
    const project = await app.convert();
    expect(project).toBeDefined();
    const functions = project!.getReflectionsByKind(ReflectionKind.Function) as DeclarationReflection[];
    const losses = functions.filter((f) => /Loss$/.test(f.name) && f.name !== 'combineLosses');
    expect(losses.length).toBe(22);
    const incomplete = losses
      .map((f) => {
        const comment = f.signatures?.[0]?.comment;
        const summary = comment ? comment.summary.map((part) => part.text).join('') : '';
        const missing = [
          /When to use/i.test(summary) ? '' : 'when-to-use',
          /Reference|arXiv/i.test(summary) ? '' : 'reference',
          comment?.getTag('@example') ? '' : '@example',
          comment?.getTag('@throws') ? '' : '@throws',
        ].filter(Boolean);
        return missing.length ? `${f.name}: ${missing.join(', ')}` : '';
      })
      .filter(Boolean);
    expect(incomplete).toEqual([]);
  }, 120_000);
});
