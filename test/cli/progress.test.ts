import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/node/progress.js';
import type { ProgressState } from '../../src/cli/pipeline/types.js';

const state = (label: string, batch: number): ProgressState => ({ label, epoch: 1, epochs: 2, batch, batches: 4, loss: 0.5, eta: 30, fraction: batch / 8 });

function stream(isTTY: boolean) {
  const s = { text: '', isTTY, columns: 200, write: (t: string) => ((s.text += t), true) };
  return s;
}

describe('Progress', () => {
  it('on a terminal draws one live line per running run and the overall line, and clears them for a log line', () => {
    const s = stream(true);
    const p = new Progress(s, false);
    p.overall('runs 0/4 done, 2 running, ETA 1m00s');
    p.update(state('[1/4] a', 4)); // an epoch's last batch is always drawn
    p.update(state('[2/4] b', 4));
    const last = s.text.slice(s.text.lastIndexOf('\r'));
    expect(last).toMatch(/^\r\x1b\[J\x1b\[2K\[1\/4\] a {2}epoch 1\/2 .* batch 4\/4 {2}loss 0\.5000 {2}ETA 30s\n\x1b\[2K\[2\/4\] b {2}epoch 1\/2 .*\n\x1b\[2Kruns 0\/4 done, 2 running, ETA 1m00s$/);
    expect(s.text).toContain('\x1b[1A\r'); // the second draw went back up over the first block (2 lines)
    p.runDone('[1/4] a');
    p.log('[1/4] a  Dice 0.5');
    expect(s.text.endsWith('\x1b[2A\r\x1b[J[1/4] a  Dice 0.5\n')).toBe(true); // 3 lines drawn: up 2, clear, the line
  });

  it('elsewhere prints one line per epoch (no epoch count under a budget) and nothing live', () => {
    const s = stream(false);
    const p = new Progress(s, false);
    p.update(state('a', 4));
    p.epochDone('a', 0, { epoch: 3, loss: 0.25, valLoss: 0.5, valDice: 0.75, valIou: 0.6, seconds: 2 });
    expect(s.text).toBe('a  epoch 3  loss 0.2500  val loss 0.5000  val Dice 0.750  (2s)\n');
  });
});
