import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import * as segloss from '../../src/index.js';
import { buildLoss, lossFactories, parseLosses } from '../../src/cli/options/lossSpec.js';
import { UsageError } from '../../src/cli/errors.js';
import { IGNORED } from '../../src/cli/pipeline/types.js';

describe('parseLosses()', () => {
  it('reads names with options of every value kind', () => {
    const [a, b] = parseLosses("diceLoss, crossEntropyLoss{ classWeights:[0.2, 1, 5e-1], reduction:'mean', perImage:true, x:null, y:word }");
    expect(a).toEqual({ name: 'diceLoss', options: {}, label: 'diceLoss' });
    expect(b.name).toBe('crossEntropyLoss');
    expect(b.options).toEqual({ classWeights: [0.2, 1, 0.5], reduction: 'mean', perImage: true, x: null, y: 'word' });
    expect(b.label).toBe("crossEntropyLoss{classWeights:[0.2,1,5e-1],reduction:'mean',perImage:true,x:null,y:word}");
  });

  it('labels a repeated spec uniquely', () => {
    expect(parseLosses('bceLoss,bceLoss,bceLoss').map((s) => s.label)).toEqual(['bceLoss', 'bceLoss#2', 'bceLoss#3']);
  });

  it('names the character where the syntax breaks', () => {
    expect(() => parseLosses('diceLoss{smooth 1}')).toThrow("--losses expected ':', got '1' at character 17 of 'diceLoss{smooth 1}'.");
    expect(() => parseLosses("diceLoss{a:'x}")).toThrow(/unterminated string/);
  });

  it('suggests the nearest loss name and lists every exported loss factory but combineLosses', () => {
    expect(() => parseLosses('focalLos')).toThrow(/unknown loss 'focalLos' \(did you mean 'focalLoss'\?\)/);
    const names = Object.keys(lossFactories());
    expect(names).toContain('lovaszHingeLoss');
    expect(names.every((n) => n.endsWith('Loss'))).toBe(true);
  });
});

describe('buildLoss()', () => {
  it('refuses a loss whose declared modes lack the task mode, naming the modes it takes', () => {
    const [spec] = parseLosses('lovaszSoftmaxLoss');
    expect(() => buildLoss(spec, { mode: 'binary' })).toThrow('--losses lovaszSoftmaxLoss: lovaszSoftmaxLoss does not take --mode binary; it takes --mode multiclass.');
    const [bce] = parseLosses('bceLoss');
    expect(() => buildLoss(bce, { mode: 'multiclass' })).toThrow(/bceLoss does not take --mode multiclass; it takes --mode binary\./);
  });

  it('builds every exported loss for each CLI mode it declares', () => {
    // Options a loss cannot be built without (the rest have defaults).
    const required: Record<string, Record<string, unknown>> = { generalizedWassersteinDiceLoss: { distanceMatrix: [[0, 1], [1, 0]] } };
    for (const [name, factory] of Object.entries(lossFactories())) {
      if (name === 'combineLosses') continue;
      for (const mode of (['binary', 'multiclass'] as const).filter((m) => factory.modes.includes(m))) {
        expect(buildLoss({ name, options: required[name] ?? {}, label: name }, { mode }).name, `${name} ${mode}`).toBe(name);
      }
    }
  });

  it('passes the task mode and the ignored label on, with the user options on top', () => {
    // One pixel labelled IGNORED, then two valid pixels with logit 0 (p = 1/2): each valid
    // pixel's BCE is log 2, so the mean is log 2 and the sum 2·log 2; without ignoreIndex the
    // -1 target with logit 5 would count too.
    const yTrue = tf.tensor4d([IGNORED, 1, 0], [1, 1, 3, 1]);
    const yPred = tf.tensor4d([5, 0, 0], [1, 1, 3, 1]);
    const [spec] = parseLosses('bceLoss');
    const loss = buildLoss(spec, { mode: 'binary', ignoreIndex: IGNORED });
    expect(loss(yTrue, yPred).dataSync()[0]).toBeCloseTo(Math.log(2), 6);
    const [summed] = parseLosses("bceLoss{reduction:'sum'}");
    expect(buildLoss(summed, { mode: 'binary', ignoreIndex: IGNORED })(yTrue, yPred).dataSync()[0]).toBeCloseTo(2 * Math.log(2), 6);
    tf.dispose([yTrue, yPred]);
  });

  it("reports the factory's own option errors as usage errors, prefixed by the spec", () => {
    const [spec] = parseLosses('focalLoss{gama:2}');
    expect(() => buildLoss(spec, { mode: 'binary' })).toThrow(/^--losses focalLoss\{gama:2\}: focalLoss: unknown option 'gama' \(did you mean 'gamma'\?\)/);
    expect(() => buildLoss(spec, { mode: 'binary' })).toThrow(UsageError);
    expect(segloss.focalLoss.modes).toContain('binary');
  });
});
