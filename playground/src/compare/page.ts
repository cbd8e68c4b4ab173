/**
 * compare.html: the user's files and options → the CLI's flags (shown as the equivalent
 * command) → the CLI's plan and checks → a pool of Web Workers running the core's runs → the
 * core's report, shown in the page and offered for download. The page itself trains nothing.
 */
import { encode } from 'fast-png';
import { CliError } from '../../../src/cli/errors';
import type { RunEvents } from '../../../src/cli/env';
import { COMPARE_FLAGS, DEFAULT_LOSSES, MULTICLASS_LOSSES } from '../../../src/cli/options/flags';
import { parseFlags } from '../../../src/cli/options/parse';
import { comparePlan } from '../../../src/cli/options/plan';
import type { RunRecord, RunTask } from '../../../src/cli/pipeline/runRecord';
import { predictionImage } from '../../../src/cli/report/predictions';
import { COMPARE_UI, UI } from '../i18n';
import type { Lang } from '../losses';
import { planTasks, verdictSentence, type BrowserResults } from './coreAdapter';
import { describeBackend, type BackendInfo } from './loadTf';
import { pairPicked, splitFolder, type PickedFiles } from './picked';
import { probeBackend, WorkerError, WorkerPool } from './workerPool';

/** What outside checks read: the run's inputs, results and every record (predictions as base64 PNG). */
export interface CompareState {
  status: 'starting' | 'ready' | 'running' | 'done' | 'error';
  backend?: BackendInfo;
  argv?: string[];
  jobs?: number;
  error?: string;
  seconds?: number;
  results?: BrowserResults;
  records?: (Omit<RunRecord, 'predictions'> & { predictions: { image: string; width: number; height: number; png: string }[] })[];
  files?: string[];
}

declare global {
  interface Window {
    __segloss_compare?: CompareState;
  }
}

const $ = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;
const state: CompareState = { status: 'starting' };
window.__segloss_compare = state;
let lang: Lang = 'en';
const t = (key: string) => COMPARE_UI[lang][key] ?? UI[lang][key] ?? key;
const makeWorker = () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const has = (flag: string) => flag in COMPARE_FLAGS;
const defaultOf = (flag: string) => (COMPARE_FLAGS as Record<string, { default?: unknown }>)[flag]?.default;

function applyLanguage(): void {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  document.querySelectorAll<HTMLElement>('[data-i18n]').forEach((e) => (e.textContent = t(e.dataset.i18n!)));
  $('lang').textContent = lang === 'en' ? '中文 (zh)' : 'English';
  $('budget-note').textContent = has('budget') ? '' : t('cBudgetPending');
  showPairs();
}

// ---------- the files ----------
let picked: PickedFiles = { images: [], masks: [] };

function showPairs(): void {
  const box = $('pairs');
  if (!picked.images.length && !picked.masks.length) return void (box.textContent = '');
  try {
    box.textContent = `${pairPicked(picked, $('mask-suffix').value).length} ${t('cPairs')}`;
  } catch (error) {
    box.textContent = (error as Error).message;
  }
}

// ---------- options → the CLI's flags ----------
/** The compare's flags as the CLI takes them: only what differs from nothing is written. */
function argvOf(): string[] {
  const argv = ['--data', picked.folder ?? 'picked-files'];
  const add = (flag: string, id: string) => {
    const v = $(id).value.trim();
    if (v !== '') argv.push(`--${flag}`, v);
  };
  argv.push('--mode', $<HTMLSelectElement>('mode').value);
  add('foreground', 'foreground');
  add('classes', 'classes');
  add('ignore-index', 'ignore-index');
  add('losses', 'losses');
  add('epochs', 'epochs');
  if (has('budget')) add('budget', 'budget');
  if (has('repeats')) add('repeats', 'repeats');
  add('val-split', 'val-split');
  for (const id of ['scale', 'patch', 'width', 'depth', 'batch-size', 'lr', 'seed']) add(id, id);
  if ($('mask-suffix').value !== '') argv.push('--mask-suffix', $('mask-suffix').value);
  return argv;
}

const command = (argv: string[]) => ['segloss', 'compare', ...argv.map((a) => (/^[\w.,:/+=-]+$/.test(a) ? a : `'${a}'`))].join(' ');

function fillDefaults(): void {
  const set = (id: string, v: unknown) => ($(id).value = v === undefined ? '' : String(v));
  set('losses', DEFAULT_LOSSES);
  set('epochs', defaultOf('epochs'));
  set('val-split', defaultOf('valSplit'));
  set('repeats', defaultOf('repeats') ?? 1);
  for (const [id, key] of [['scale', 'scale'], ['patch', 'patch'], ['width', 'width'], ['depth', 'depth'], ['batch-size', 'batchSize'], ['lr', 'lr'], ['seed', 'seed']]) set(id, defaultOf(key));
  $<HTMLSelectElement>('mode').addEventListener('change', (e) => {
    const multi = (e.target as HTMLSelectElement).value === 'multiclass';
    const losses = $('losses');
    if (losses.value === (multi ? DEFAULT_LOSSES : MULTICLASS_LOSSES)) losses.value = multi ? MULTICLASS_LOSSES : DEFAULT_LOSSES;
    showCommand();
  });
}

function showCommand(): void {
  $('command').textContent = command(argvOf());
}

// ---------- running ----------
function progressTable(tasks: readonly RunTask[], labels: string[]): Map<string, HTMLTableRowElement> {
  const table = $<HTMLTableElement>('progress');
  table.innerHTML = `<tr><th>${t('cLoss')}</th><th>${t('cRepeat')}</th><th>${t('cEpoch')}</th><th>${t('cBatch')}</th><th>${t('cTrainLoss')}</th><th>${t('cDice')}</th><th>${t('cSeconds')}</th></tr>`;
  const rows = new Map<string, HTMLTableRowElement>();
  for (const task of tasks) {
    const row = table.insertRow();
    row.dataset.testid = `run-${task.loss}-${task.repeat}`;
    row.innerHTML = `<td>${escapeHtml(labels[task.loss])}</td><td class="num">${task.repeat + 1}</td><td class="num"></td><td class="num"></td><td class="num"></td><td class="num"></td><td class="num"></td>`;
    rows.set(`${task.loss}/${task.repeat}`, row);
  }
  return rows;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function base64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function showResults(results: BrowserResults, files: Record<string, string | Uint8Array>): void {
  const { best, tiedWithBest } = results.verdict;
  const winner = results.losses.find((l) => l.label === best)!;
  const verdict = $('verdict');
  verdict.hidden = false;
  verdict.dataset.best = best;
  verdict.dataset.tied = tiedWithBest.join(',');
  // The CLI's own sentence (ties in words), then the short form in the page's language.
  verdict.innerHTML = `${escapeHtml(verdictSentence(results))}<br>${t('cBest')}: <b>${escapeHtml(best)}</b> (${winner.dice.toFixed(3)})${tiedWithBest.length ? `; ${tiedWithBest.map(escapeHtml).join(', ')} ${t('cTied')}` : ''}`;
  const table = $<HTMLTableElement>('results');
  table.hidden = false;
  table.innerHTML = `<tr><th>${t('cLoss')}</th><th>${t('cDice')}</th><th>95%</th><th>${t('cIou')}</th><th>${t('cDice')} (${t('cRepeat')})</th><th>${t('cSeconds')}</th></tr>`;
  for (const l of [...results.losses].sort((a, b) => b.dice - a.dice)) {
    const row = table.insertRow();
    row.dataset.testid = `result-${l.label}`;
    row.dataset.dice = String(l.dice);
    row.className = l.label === best ? 'best' : '';
    row.innerHTML = `<td>${escapeHtml(l.label)}</td><td class="num">${l.dice.toFixed(4)}</td><td class="num">${l.diceCI ? `[${l.diceCI[0].toFixed(3)}, ${l.diceCI[1].toFixed(3)}]` : '—'}</td><td class="num">${l.iou.toFixed(4)}</td><td class="num">${l.runs.map((r) => r.dice.toFixed(3)).join(' ')}</td><td class="num">${l.seconds.toFixed(1)}</td>`;
  }
  const links = $('downloads');
  links.replaceChildren(document.createTextNode(`${t('cDownload')}: `));
  for (const [name, text] of Object.entries(files)) {
    const type = name.endsWith('.html') ? 'text/html' : name.endsWith('.json') ? 'application/json' : 'text/csv';
    const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(new Blob([text as BlobPart], { type })), download: name, textContent: name });
    a.dataset.testid = `download-${name}`;
    links.append(a);
  }
  const frame = $<HTMLIFrameElement>('report');
  frame.hidden = false;
  frame.srcdoc = String(files['index.html']);
}

async function run(): Promise<void> {
  $('error').textContent = '';
  $('verdict').hidden = true;
  $('results').hidden = true;
  $('report').hidden = true;
  $('downloads').querySelectorAll('a').forEach((a) => URL.revokeObjectURL(a.href)); // the previous run's
  $('downloads').textContent = '';
  const started = performance.now();
  let pool: WorkerPool | undefined;
  try {
    if (!picked.images.length || !picked.masks.length) throw new CliError(t('cPickFirst'));
    const argv = argvOf();
    showCommand();
    // The CLI's own parsing and cross-flag checks, then its pairing: mistakes surface before any worker starts.
    const { flags, given } = parseFlags('compare', COMPARE_FLAGS, argv);
    const plan = comparePlan(flags, given);
    pairPicked(picked, flags.maskSuffix);
    const tasks = planTasks(plan);
    const jobs = Math.max(1, Math.min(Number($('jobs').value) || 1, tasks.length));
    Object.assign(state, { status: 'running', argv, jobs, error: undefined, results: undefined, records: undefined });
    $<HTMLButtonElement>('run').disabled = true;
    $('status').textContent = t('cLoading');
    const cores = navigator.hardwareConcurrency || 1;
    pool = new WorkerPool(makeWorker, { backend: state.backend!.name, argv, images: picked.images, masks: picked.masks, cores });
    const rows = progressTable(tasks, plan.losses.map((l) => l.spec.label));
    const records: RunRecord[] = [];
    const events: RunEvents = {
      update(task, s) {
        $('status').textContent = `${t('cRunning')} ${records.length}/${tasks.length}`;
        const cells = rows.get(`${task.loss}/${task.repeat}`)!.cells;
        cells[2].textContent = `${s.epoch}/${s.epochs}`;
        cells[3].textContent = `${s.batch}/${s.batches}`;
        cells[4].textContent = s.loss.toFixed(4);
      },
      done(record) {
        records.push(record);
        const cells = rows.get(`${record.task.loss}/${record.task.repeat}`)!.cells;
        cells[5].textContent = record.scores.dice.toFixed(4);
        cells[6].textContent = record.seconds.toFixed(1);
      },
    };
    await pool.runAll(plan, tasks, jobs, events);
    const browser = { backend: describeBackend(state.backend!), ...state.backend!, jobs, userAgent: navigator.userAgent };
    const { files, results } = await pool.report(records, command(argv), { browser });
    const heldOut = pool.notes!.heldOut;
    state.records = records.map((r) => ({
      ...r,
      predictions: r.predictions.map((labels, k) => {
        const { name, width, height } = heldOut[k];
        const image = predictionImage({ width, height, labels, mode: plan.data.label.mode });
        return { image: name, width, height, png: base64(encode({ width, height, channels: 1, depth: 8, data: image.data })) };
      }),
    }));
    state.results = results as BrowserResults;
    state.files = Object.keys(files);
    state.seconds = (performance.now() - started) / 1000;
    $('status').textContent = `${t('cDone')} ${state.seconds.toFixed(1)} s (${pool.notes!.line})`;
    showResults(state.results, files);
    state.status = 'done';
  } catch (error) {
    const message = error instanceof CliError || error instanceof WorkerError ? `segloss compare: ${error.message}` : String((error as Error).stack ?? error);
    $('error').textContent = message;
    $('status').textContent = '';
    Object.assign(state, { status: 'error', error: message });
  } finally {
    pool?.terminate();
    $<HTMLButtonElement>('run').disabled = false;
  }
}

// ---------- start ----------
async function start(): Promise<void> {
  fillDefaults();
  applyLanguage();
  const onFiles = () => {
    showPairs();
    showCommand();
  };
  $('images').addEventListener('change', () => ((picked = { ...picked, images: [...($('images').files ?? [])] }), onFiles()));
  $('masks').addEventListener('change', () => ((picked = { ...picked, masks: [...($('masks').files ?? [])] }), onFiles()));
  $('folder').addEventListener('change', () => ((picked = splitFolder([...($('folder').files ?? [])])), onFiles()));
  document.querySelectorAll('input, select').forEach((e) => e.addEventListener('input', showCommand));
  $('lang').addEventListener('click', () => {
    lang = lang === 'en' ? 'zh' : 'en';
    applyLanguage();
  });
  $('run').addEventListener('click', () => void run());
  showCommand();
  const forced = new URLSearchParams(location.search).get('backend') ?? undefined;
  state.backend = await probeBackend(makeWorker, forced);
  $('backend').textContent = state.backend.name;
  $('backend-detail').textContent = describeBackend(state.backend) === state.backend.name ? '' : describeBackend(state.backend).slice(state.backend.name.length + 1);
  $('backend-detail').title = state.backend.skipped.join('\n');
  // Workers share a GPU badly: one at a time there; on the CPU backends, one per two cores.
  const gpu = state.backend.name === 'webgpu' || state.backend.name === 'webgl';
  $('jobs').value = String(gpu ? 1 : Math.max(1, Math.min(4, Math.floor((navigator.hardwareConcurrency || 1) / 2))));
  state.status = 'ready';
  document.body.dataset.ready = 'true';
}

start().catch((e: Error) => {
  document.body.dataset.ready = 'error';
  state.status = 'error';
  state.error = e.message;
  $('backend').textContent = e.message;
});
