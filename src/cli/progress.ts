/// <reference types="node" />
/**
 * The CLI's progress display: on a terminal, one live line per loss (epoch, batch, a bar,
 * running loss, ETA) redrawn in place; elsewhere (logs, CI), one line per epoch. Silent when
 * quiet.
 */

export interface ProgressState {
  label: string;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  /** Seconds left for this loss, or undefined before the first batch. */
  eta?: number;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}

export class Progress {
  private lastDraw = 0;
  private live = false;
  constructor(
    private readonly stream: NodeJS.WriteStream,
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
  epochDone(summary: string): void {
    if (this.quiet) return;
    if (!this.tty) this.stream.write(`${summary}\n`);
  }

  /** Prints a permanent line (ending any live line first). */
  log(text: string): void {
    if (this.quiet) return;
    if (this.live) {
      this.stream.write('\r\x1b[2K');
      this.live = false;
    }
    this.stream.write(`${text}\n`);
  }
}
