/// <reference types="node" />
/**
 * The CLI's progress display: on a terminal, one live line per running run (epoch, batch, a bar,
 * running loss, ETA) and, under them, the overall line (runs done, overall ETA), redrawn in place
 * at most ~10 times a second; elsewhere (logs, CI), one line per epoch and one per finished run.
 * Silent when quiet.
 */
import type { Io } from '../env.js';
import type { EpochRecord, ProgressSink, ProgressState } from '../pipeline/types.js';
import { formatSeconds } from '../report/text.js';

/** The stream progress goes to: a terminal (live lines) or anything else (one line per epoch). */
export type ProgressStream = Io['err'];

/** `epoch 3/6`, or `epoch 3` under a time budget (epochs 0: not known in advance). */
const epochText = (epoch: number, epochs: number) => (epochs > 0 ? `epoch ${epoch}/${epochs}` : `epoch ${epoch}`);

/** One run's live line. */
export function stateLine(s: ProgressState): string {
  const width = 20;
  const done = Math.round((width * s.batch) / s.batches);
  const bar = '█'.repeat(done) + '░'.repeat(width - done);
  return `${s.label}  ${epochText(s.epoch, s.epochs)} ${bar} batch ${s.batch}/${s.batches}  loss ${s.loss.toFixed(4)}  ETA ${s.eta === undefined ? '…' : formatSeconds(s.eta)}`;
}

export class Progress implements ProgressSink {
  private lastDraw = 0;
  /** Lines of the live block on screen (0: none). */
  private drawn = 0;
  private readonly running = new Map<string, ProgressState>();
  private status = '';
  constructor(
    private readonly stream: ProgressStream,
    private readonly quiet: boolean,
  ) {}

  private get tty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** Records a run's state and redraws the live block (at most ~10 times a second, and at each epoch's end). */
  update(s: ProgressState): void {
    if (this.quiet || !this.tty) return;
    this.running.set(s.label, s);
    this.draw(s.batch >= s.batches);
  }

  /** The overall line under the runs' lines. */
  overall(text: string): void {
    this.status = text;
  }

  /** A run ended: its live line goes. */
  runDone(label: string): void {
    this.running.delete(label);
  }

  /** Ends an epoch: on a terminal the live line stays; elsewhere one summary line is printed. */
  epochDone(label: string, epochs: number, r: EpochRecord): void {
    if (this.quiet || this.tty) return;
    this.stream.write(
      `${label}  ${epochText(r.epoch, epochs)}  loss ${r.loss.toFixed(4)}  val loss ${r.valLoss.toFixed(4)}  val Dice ${r.valDice.toFixed(3)}  (${formatSeconds(r.seconds)})\n`,
    );
  }

  /** Prints a permanent line (above the live block, which is drawn again at the next update). */
  log(text: string): void {
    if (!this.quiet) this.line(text);
  }

  /** Prints a warning, even when quiet. */
  warn(text: string): void {
    this.line(text);
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (now - this.lastDraw < 100 && !force) return;
    this.lastDraw = now;
    const columns = this.stream.columns || 100;
    const lines = [...this.running.values()].map(stateLine);
    if (this.status) lines.push(this.status);
    const text = lines.map((l) => `\x1b[2K${l.slice(0, columns - 1)}`).join('\n');
    this.stream.write(`${this.clear()}${text}`);
    this.drawn = lines.length;
  }

  /** Moves to the start of the live block and clears it. */
  private clear(): string {
    const up = this.drawn > 1 ? `\x1b[${this.drawn - 1}A` : '';
    return this.drawn > 0 ? `${up}\r\x1b[J` : '';
  }

  private line(text: string): void {
    this.stream.write(`${this.clear()}${text}\n`);
    this.drawn = 0;
  }
}
