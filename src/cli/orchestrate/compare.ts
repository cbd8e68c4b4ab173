/**
 * `segloss compare` in pipeline order: check the output folder → read and check the data (the
 * mask-value summary and any warning printed before training; a failed check writes nothing) →
 * the tasks (every loss × every repeat; with `--resume`, those already in `<out>/runs/` are read
 * back) → `runner.runAll` (worker threads for `--jobs` > 1, else this thread), each run stored in
 * `<out>/runs/` as it ends → the report data from the records → render → write the folder
 * atomically (the run files and, when asked, the predictions with it). Ctrl-C stops the runs and
 * writes the report of the finished ones, marked incomplete (exit status 130). Returns the
 * report's path.
 */
import type { Env, EnvRunner, RunEvents } from '../env.js';
import { Interrupted } from '../errors.js';
import type { ComparePlan } from '../options/plan.js';
import type { RunRecord, RunTask } from '../pipeline/runRecord.js';
import { RunStopped } from '../pipeline/trainRun.js';
import type { Results } from '../report/data.js';
import { formatSeconds, lossLine, scoreLine, verdictSentence } from '../report/text.js';
import { announce, dataLine } from './announce.js';
import { compareReport, type ReportContext } from './compareReport.js';
import { inlineRunner } from './inlineRunner.js';
import { loadData, type LoadedData } from './loadData.js';
import { planTasks, runName } from './runOne.js';
import { runFileName, runFileText, runSettingsKey, RUNS_FOLDER, storedRuns } from './runStore.js';

/** An output folder of compare: a finished report, or the runs of an interrupted one. */
const MARKERS = ['results.json', RUNS_FOLDER];

/** Runs the comparison; `command` is recorded in the results. Returns the path of index.html. */
export async function compare(env: Env, plan: ComparePlan, command: string): Promise<string> {
  env.files.checkOutFolder(plan.out, MARKERS);
  const progress = env.progress(plan.quiet);
  const data = await loadData(env, plan.data, 2 ** plan.training.depth);
  announce(progress, 'segloss compare', data);
  const encoder = await env.images.pngEncoder();
  const { tf, backend } = await env.loadTf(plan.backend);
  const tasks = planTasks(plan);
  const keyOf = (task: RunTask) => runSettingsKey(plan, data, task, env.files);
  const runPath = (task: RunTask) => env.files.join(plan.out, runFileName(plan.losses[task.loss].spec.label, task.repeat));
  if (!plan.resume) env.files.remove(env.files.join(plan.out, RUNS_FOLDER)); // a fresh start: no runs of another command
  const stored = plan.resume ? storedRuns(env.files, plan.out, keyOf, plan, tasks) : new Map<RunTask, RunRecord>();
  const pending = tasks.filter((t) => !stored.has(t));
  const records: RunRecord[] = [...stored.values()];
  const jobs = Math.max(1, Math.min(plan.jobs ?? env.cores?.() ?? 1, pending.length));
  const runner: EnvRunner = jobs > 1 && env.runner ? env.runner : inlineRunner(tf, data);
  const length = plan.training.budget !== undefined ? `${plan.training.budget} min per run` : `${plan.training.epochs} epoch${plan.training.epochs > 1 ? 's' : ''}`;
  const resumed = stored.size > 0 ? `, ${stored.size} runs read back from ${RUNS_FOLDER}/` : '';
  progress.log(
    `segloss compare: ${plan.losses.length} losses × ${plan.repeats} runs, ${dataLine(data)}, ${length}, backend ${backend}, ${jobs} job${jobs > 1 ? 's' : ''}${resumed}`,
  );

  const index = new Map(tasks.map((t, i) => [`${t.loss}/${t.repeat}`, i]));
  const name = (task: RunTask) => `[${index.get(`${task.loss}/${task.repeat}`)! + 1}/${tasks.length}] ${runName(plan, task)}`;
  const fraction = new Map<string, number>();
  const started = Date.now();
  const overall = () => {
    const work = records.length - stored.size + [...fraction.values()].reduce((a, b) => a + b, 0);
    const elapsed = (Date.now() - started) / 1000;
    const eta = work > 0 ? (elapsed * (pending.length - work)) / work : undefined;
    return `runs ${records.length}/${tasks.length} done, ${fraction.size} running, ETA ${eta === undefined ? '…' : formatSeconds(eta)}`;
  };
  const events: RunEvents = {
    update(task, state) {
      fraction.set(name(task), state.fraction ?? 0);
      progress.overall?.(overall());
      progress.update({ ...state, label: name(task) });
    },
    epochDone: (task, epochs, record) => progress.epochDone(name(task), epochs, record),
    done(record) {
      env.files.writeText(runPath(record.task), runFileText(record, keyOf(record.task)));
      records.push(record);
      fraction.delete(name(record.task));
      progress.runDone?.(name(record.task));
      progress.log(`${name(record.task).padEnd(32)} ${scoreLine(record.scores, 3)}  (${formatSeconds(record.seconds)})`);
      progress.overall?.(overall());
    },
  };
  const controller = new AbortController();
  const off = env.onInterrupt?.(() => controller.abort());
  let interrupted = false;
  try {
    if (pending.length > 0) await runner.runAll(plan, pending, jobs, events, controller.signal);
  } catch (error) {
    if (!(error instanceof RunStopped && controller.signal.aborted)) throw error;
    interrupted = true;
  } finally {
    off?.();
  }
  if (interrupted && records.length === 0) throw new Interrupted('interrupted before any run ended; nothing was written.');
  const order = (r: RunRecord) => index.get(`${r.task.loss}/${r.task.repeat}`)!;
  records.sort((a, b) => order(a) - order(b));
  const { path, report } = await writeReport(env, plan, data, records, { command, backend, tf, encoder, runPath: (t) => runFileName(plan.losses[t.loss].spec.label, t.repeat), keyOf, incomplete: interrupted ? tasks.length : undefined });
  if (interrupted) {
    throw new Interrupted(`interrupted: ${records.length} of ${tasks.length} runs ended; their report (marked incomplete) is in ${path}. Run the same command with --resume to finish.`);
  }
  for (const l of report.losses) progress.log(lossLine(l, report.verdict.best));
  progress.log(verdictSentence(report));
  return env.files.join(path, 'index.html');
}

/** The report folder's files of `records` plus the run files (so a finished folder can be resumed, e.g. with more repeats). */
async function writeReport(env: Env, plan: ComparePlan, data: LoadedData, records: RunRecord[], c: ReportContext & { runPath(task: RunTask): string; keyOf(task: RunTask): Record<string, unknown> }): Promise<{ path: string; report: Results }> {
  const { report, files } = await compareReport(env, plan, data, records, c);
  for (const r of records) files[c.runPath(r.task)] = runFileText(r, c.keyOf(r.task));
  return { path: env.files.writeFolder(plan.out, files, MARKERS), report };
}
