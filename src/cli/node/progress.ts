/// <reference types="node" />
/**
 * The CLI's progress display: on a terminal, one live line per loss (epoch, batch, a bar,
 * running loss, ETA) redrawn in place; elsewhere (logs, CI), one line per epoch. Silent when
 * quiet.
 */
import type { Io } from '../env.js';
import type { EpochRecord, ProgressSink, ProgressState } from '../pipeline/types.js';
import { formatSeconds } from '../report/text.js';

/** The stream progress goes to: a terminal (live line) or anything else (one line per epoch). */
export type ProgressStream = Io['err'];

export class Progress implements ProgressSink {
  private lastDraw = 0;
  private live = false;
  constructor(
    private readonly stream: ProgressStream,
    private readonly quiet: boolean,
  ) {}

  private get tty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** Redraws the live line (at most ~10 times a second). */
  update(s: ProgressState): void {
    if (this.quiet || !this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && s.batch < s.batches) return;
    this.lastDraw = now;
    const width = 20;
    const done = Math.round((width * s.batch) / s.batches);
    const bar = '█'.repeat(done) + '░'.repeat(width - done);
    const line = `${s.label}  epoch ${s.epoch}/${s.epochs} ${bar} batch ${s.batch}/${s.batches}  loss ${s.loss.toFixed(4)}  ETA ${s.eta === undefined ? '…' : formatSeconds(s.eta)}`;
    const columns = this.stream.columns || 100;
    this.stream.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(columns - 1, line.length + 2))}`);
    this.live = true;
  }

  /** Ends an epoch: on a terminal the live line stays; elsewhere one summary line is printed. */
  epochDone(label: string, epochs: number, r: EpochRecord): void {
    if (this.quiet || this.tty) return;
    this.stream.write(
      `${label}  epoch ${r.epoch}/${epochs}  loss ${r.loss.toFixed(4)}  val loss ${r.valLoss.toFixed(4)}  val Dice ${r.valDice.toFixed(3)}  (${formatSeconds(r.seconds)})\n`,
    );
  }

  /** Prints a permanent line (ending any live line first). */
  log(text: string): void {
    if (!this.quiet) this.line(text);
  }

  /** Prints a warning, even when quiet. */
  warn(text: string): void {
    this.line(text);
  }

  private line(text: string): void {
    if (this.live) {
      this.stream.write('\r\x1b[2K');
      this.live = false;
    }
    this.stream.write(`${text}\n`);
  }
}
