/**
 * The portable stages in src/cli/pipeline/ stay free of Node and of sharp, so that the same core
 * can run in a browser page: no `node:` import, no `sharp`, no `process.`, no `Buffer`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = resolve(__dirname, '../../src/cli/pipeline');
const FORBIDDEN = [/['"]node:/, /['"]sharp['"]/, /\bprocess\./, /\bBuffer\b/];

describe('src/cli/pipeline', () => {
  it('no pipeline module mentions node:, sharp, process. or Buffer', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    const offences = files.flatMap((f) =>
      FORBIDDEN.filter((pattern) => pattern.test(readFileSync(join(dir, f), 'utf8'))).map((pattern) => `${f}: ${pattern}`),
    );
    expect(offences).toEqual([]);
  });

  it('the purity check catches each forbidden use', () => {
    const samples = ["import { readFileSync } from 'node:fs';", "await import('sharp')", 'process.exitCode = 1', 'Buffer.from(x)'];
    expect(samples.map((s) => FORBIDDEN.some((p) => p.test(s)))).toEqual([true, true, true, true]);
  });
});
