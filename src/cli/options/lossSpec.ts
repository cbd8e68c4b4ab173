/**
 * The `--losses` syntax: comma-separated SPEC function names, each optionally followed by its
 * options in braces, e.g. `diceLoss,focalLoss{gamma:1.5,alpha:0.25},tverskyLoss{alpha:0.3,beta:0.7}`.
 * Option values are numbers, `true`/`false`/`null`, words or 'quoted strings', and `[lists]`.
 * The options are checked by the loss factory itself, so its own messages reach the user.
 */
import * as segloss from '../../index.js';
import type { LossFn, Mode } from '../../types.js';
import { nearest } from '../../core/validate.js';
import { UsageError } from '../errors.js';
import type { TaskMode } from '../pipeline/types.js';

export interface LossSpec {
  /** The factory name, e.g. `focalLoss`. */
  name: string;
  /** The options given on the command line. */
  options: Record<string, unknown>;
  /** What the user wrote (unique per run), used as the label in the report. */
  label: string;
}

/** A loss factory as the package exports it, with the modes it declares. */
type Factory = ((options?: Record<string, unknown>) => LossFn) & { modes: readonly Mode[] };

/** Every loss factory the package exports, by name (new losses appear here automatically). */
export function lossFactories(): Record<string, Factory> {
  const out: Record<string, Factory> = {};
  for (const [name, value] of Object.entries(segloss as Record<string, unknown>)) {
    if (typeof value === 'function' && /Loss$/.test(name)) out[name] = value as Factory;
  }
  return out;
}

class Reader {
  pos = 0;
  constructor(readonly text: string) {}
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipSpace(): void {
    while (/\s/.test(this.peek())) this.pos++;
  }
  error(what: string): never {
    throw new UsageError(`--losses ${what} at character ${this.pos + 1} of '${this.text}'.`);
  }
  expect(ch: string): void {
    this.skipSpace();
    if (this.peek() !== ch) this.error(`expected '${ch}', got ${this.peek() ? `'${this.peek()}'` : 'the end'}`);
    this.pos++;
  }
  word(): string {
    this.skipSpace();
    const m = /^[A-Za-z_][\w.-]*/.exec(this.text.slice(this.pos));
    if (!m) this.error(`expected a name, got ${this.peek() ? `'${this.peek()}'` : 'the end'}`);
    this.pos += m[0].length;
    return m[0];
  }
  value(): unknown {
    this.skipSpace();
    const ch = this.peek();
    if (ch === '[') {
      this.pos++;
      const list: unknown[] = [];
      this.skipSpace();
      if (this.peek() === ']') {
        this.pos++;
        return list;
      }
      for (;;) {
        list.push(this.value());
        this.skipSpace();
        if (this.peek() === ']') {
          this.pos++;
          return list;
        }
        this.expect(',');
      }
    }
    if (ch === "'" || ch === '"') {
      const end = this.text.indexOf(ch, this.pos + 1);
      if (end < 0) this.error('has an unterminated string');
      const s = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return s;
    }
    const num = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/i.exec(this.text.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    const w = this.word();
    return w === 'true' ? true : w === 'false' ? false : w === 'null' ? null : w;
  }
}

/** Parses the `--losses` text into specs, checking the syntax and the loss names (buildLoss checks the options). */
export function parseLosses(text: string): LossSpec[] {
  const r = new Reader(text);
  const specs: LossSpec[] = [];
  const factories = lossFactories();
  const names = Object.keys(factories).filter((n) => n !== 'combineLosses');
  for (;;) {
    const start = r.pos;
    const name = r.word();
    if (!names.includes(name)) {
      const hint = nearest(name, names);
      throw new UsageError(`--losses has unknown loss '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}; available: ${names.join(', ')}.`);
    }
    const options: Record<string, unknown> = {};
    r.skipSpace();
    if (r.peek() === '{') {
      r.pos++;
      r.skipSpace();
      if (r.peek() === '}') r.pos++;
      else {
        for (;;) {
          const key = r.word();
          r.expect(':');
          options[key] = r.value();
          r.skipSpace();
          if (r.peek() === '}') {
            r.pos++;
            break;
          }
          r.expect(',');
        }
      }
    }
    let label = text.slice(start, r.pos).replace(/\s+/g, '');
    let k = 2;
    while (specs.some((s) => s.label === label)) label = `${text.slice(start, r.pos).replace(/\s+/g, '')}#${k++}`;
    specs.push({ name, options, label });
    r.skipSpace();
    if (r.pos >= text.length) break;
    r.expect(',');
  }
  return specs;
}

/** Task settings the CLI passes to every loss, unless the user's options set them. */
export interface TaskOptions {
  mode: TaskMode;
  /** Set when some pixels are ignored (the CLI's label IGNORED). */
  ignoreIndex?: number;
}

/**
 * Builds the loss: the user's options over the task's `mode` (and `ignoreIndex`). A loss whose
 * declared `modes` lack the task's mode is refused here, naming the mode it needs; every other
 * option error is the factory's own message.
 */
export function buildLoss(spec: LossSpec, task: TaskOptions): LossFn {
  const factory = lossFactories()[spec.name];
  if (!factory.modes.includes(task.mode)) {
    const usable = factory.modes.filter((m) => m !== 'multilabel');
    throw new UsageError(`--losses ${spec.label}: ${spec.name} does not take --mode ${task.mode}; it takes --mode ${usable.join(' or ')}.`);
  }
  const taskOptions = { mode: task.mode, ...(task.ignoreIndex !== undefined ? { ignoreIndex: task.ignoreIndex } : {}) };
  try {
    return factory({ ...taskOptions, ...spec.options });
  } catch (error) {
    throw new UsageError(`--losses ${spec.label}: ${(error as Error).message}`);
  }
}
