/** The playground page: wiring of inputs, losses, maps and the sweep chart. */
import { evaluate, initBackend, liveTensors, softwareRenderer, makeBatch, values, type Batch, type LossChoice, type LossResult } from './compute';
import { drawChart, drawGradient, drawGrey, drawOutline } from './draw';
import { UI } from './i18n';
import { availableLosses, availableMulticlassOnly, defaultOptions, type Lang, type LossSpec } from './losses';
import {
  diskOfFraction,
  fractionSweepValues,
  paintLine,
  presetMask,
  shiftSweepValues,
  type Grid,
  type PredictionSettings,
  type Preset,
} from './masks';

const N = 64; // grid size
const INPUT_SCALE = 4; // canvas pixels per grid cell in the input canvases
const MAP_SCALE = 3; // ... in the gradient maps

/** What the test reads to recompute every shown value in Node. */
export interface PageState {
  version: number;
  sweepVersion: number;
  backend: string;
  lang: Lang;
  B: number;
  H: number;
  W: number;
  yTrue: number[];
  logits: number[];
  losses: { fn: string; options: Record<string, number | boolean>; value: number }[];
  /** tf.memory().numTensors after the update: stays the same from one update to the next. */
  numTensors: number;
}

declare global {
  interface Window {
    __segloss_state?: PageState;
  }
}

const $ = <T extends Element = HTMLElement>(sel: string) => document.querySelector(sel) as T;

const specs = availableLosses();
const app = {
  lang: 'en' as Lang,
  truth: presetMask('several', N, N),
  drawnPred: null as Grid | null,
  settings: { shift: 3, grow: 0, blur: 1, confidence: 4, noise: 0, seed: 1 } as PredictionSettings,
  second: false,
  chosen: new Set(specs.filter((s) => s.defaultOn).map((s) => s.fn)),
  options: Object.fromEntries(specs.map((s) => [s.fn, defaultOptions(s)])) as Record<string, Record<string, number | boolean>>,
  sweep: 'shift' as 'shift' | 'fraction',
  normalise: false,
  /** Why the cpu backend was chosen (an i18n key), or ''. */
  backendNote: '',
  version: 0,
  sweepVersion: 0,
  backend: '',
  results: [] as LossResult[],
};

const t = (key: string) => UI[app.lang][key] ?? key;

// ---------- sliders of the prediction ----------
const SLIDERS: { key: keyof PredictionSettings; min: number; max: number; step: number }[] = [
  { key: 'shift', min: -32, max: 32, step: 1 },
  { key: 'grow', min: -6, max: 6, step: 1 },
  { key: 'blur', min: 0, max: 5, step: 0.25 },
  { key: 'confidence', min: 0, max: 10, step: 0.25 },
  { key: 'noise', min: 0, max: 4, step: 0.1 },
];

function buildSliders(): void {
  const box = $('#sliders');
  for (const s of SLIDERS) {
    const label = document.createElement('label');
    label.dataset.i18n = s.key;
    label.htmlFor = `s-${s.key}`;
    const input = Object.assign(document.createElement('input'), { type: 'range', id: `s-${s.key}`, min: String(s.min), max: String(s.max), step: String(s.step), value: String(app.settings[s.key]) });
    input.dataset.testid = `slider-${s.key}`;
    const out = document.createElement('output');
    out.textContent = String(app.settings[s.key]);
    input.addEventListener('input', () => {
      app.settings = { ...app.settings, [s.key]: Number(input.value) };
      out.textContent = input.value;
      schedule();
    });
    box.append(label, input, out);
  }
}

// ---------- loss choice, cards ----------
function buildChooser(): void {
  const box = $('#choose');
  for (const spec of specs) {
    const label = document.createElement('label');
    const box1 = Object.assign(document.createElement('input'), { type: 'checkbox', checked: app.chosen.has(spec.fn) });
    box1.dataset.testid = `toggle-${spec.fn}`;
    box1.addEventListener('change', () => {
      if (box1.checked) app.chosen.add(spec.fn);
      else app.chosen.delete(spec.fn);
      buildCards();
      schedule();
    });
    label.append(box1, ` ${spec.fn}`);
    box.append(label);
  }
}

function optionRow(spec: LossSpec, box: HTMLElement): void {
  for (const o of spec.options) {
    const id = `o-${spec.fn}-${o.key}`;
    const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: o.key });
    const input = document.createElement('input');
    input.id = id;
    input.dataset.testid = `opt-${spec.fn}-${o.key}`;
    const out = document.createElement('output');
    const current = app.options[spec.fn][o.key];
    if (o.kind === 'boolean') {
      input.type = 'checkbox';
      input.checked = current as boolean;
    } else {
      Object.assign(input, { type: 'range', min: String(o.min), max: String(o.max), step: String(o.step), value: String(current) });
      out.textContent = String(current);
    }
    input.addEventListener('input', () => {
      app.options[spec.fn][o.key] = o.kind === 'boolean' ? input.checked : Number(input.value);
      out.textContent = o.kind === 'boolean' ? '' : input.value;
      schedule();
    });
    box.append(label, input, out);
  }
}

function buildCards(): void {
  const box = $('#cards');
  box.replaceChildren();
  for (const spec of specs.filter((s) => app.chosen.has(s.fn))) {
    const card = document.createElement('div');
    card.className = 'card';
    card.style.setProperty('--c', spec.color);
    card.dataset.fn = spec.fn;
    card.innerHTML = `<h3>${spec.fn}</h3>
      <div><span data-i18n="value"></span> = <span class="value" data-testid="loss-value-${spec.fn}">…</span></div>
      <canvas data-testid="grad-map-${spec.fn}" width="${N * MAP_SCALE}" height="${N * MAP_SCALE}"></canvas>
      <div class="max"></div><div class="error"></div>
      <div class="opts"></div>
      <div class="formula"></div>
      <p class="summary"></p>
      <p><b data-i18n="when"></b>: <span class="when"></span></p>`;
    optionRow(spec, card.querySelector('.opts')!);
    box.append(card);
  }
  applyLanguage();
}

/** One line per multiclass-only loss, below the cards (this page is binary, so they get no card). */
function renderMulticlassOnly(): void {
  let box = document.querySelector<HTMLElement>('#multiclass-only');
  if (!box) {
    box = Object.assign(document.createElement('div'), { id: 'multiclass-only', className: 'legend' });
    box.dataset.testid = 'multiclass-only';
    $('#cards').after(box);
  }
  const items = availableMulticlassOnly().map((m) => `<li><code>${m.fn}</code>: ${m.text[app.lang]}</li>`);
  box.innerHTML = items.length ? `<b>${t('multiclassOnly')}</b><ul>${items.join('')}</ul>` : '';
}

function applyLanguage(): void {
  document.documentElement.lang = app.lang === 'en' ? 'en' : 'zh-CN';
  document.querySelectorAll<HTMLElement>('[data-i18n]').forEach((e) => (e.textContent = t(e.dataset.i18n!)));
  $('#lang').textContent = app.lang === 'en' ? '中文 (zh)' : 'English';
  $('#backend-note').textContent = app.backendNote ? t(app.backendNote) : '';
  for (const spec of specs) {
    const card = document.querySelector(`.card[data-fn="${spec.fn}"]`);
    if (!card) continue;
    card.querySelector('.formula')!.textContent = spec.formula;
    card.querySelector('.summary')!.textContent = spec.text[app.lang].summary;
    card.querySelector('.when')!.textContent = spec.text[app.lang].when;
  }
  renderMulticlassOnly();
  renderResults();
  if (window.__segloss_state) window.__segloss_state.lang = app.lang;
}

// ---------- drawing on the canvases ----------
function predBase(): Grid {
  return app.drawnPred ?? app.truth;
}

function attachPainter(canvas: HTMLCanvasElement, target: () => Grid | null): void {
  let last: [number, number] | null = null;
  const cell = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * N - 0.5, ((e.clientY - r.top) / r.height) * N - 0.5];
  };
  const paint = (e: PointerEvent) => {
    const g = target();
    if (!g) return;
    const p = cell(e);
    const erase = ($('input[name="tool"]:checked') as HTMLInputElement).value === 'eraser';
    const from = last ?? p;
    paintLine(g, from[0], from[1], p[0], p[1], Number(($('#brush') as HTMLInputElement).value) / 2 + 0.3, erase ? 0 : 1);
    last = p;
    schedule();
  };
  canvas.addEventListener('pointerdown', (e) => {
    if (!target()) return;
    canvas.setPointerCapture(e.pointerId);
    last = null;
    paint(e);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (e.buttons & 1 && last) paint(e);
  });
  canvas.addEventListener('pointerup', () => (last = null));
}

// ---------- computing and rendering ----------
let pending = false;
function schedule(): void {
  if (pending) return;
  pending = true;
  setTimeout(() => {
    pending = false;
    update();
  }, 0);
}

function choices(): LossChoice[] {
  return specs.filter((s) => app.chosen.has(s.fn)).map((s) => ({ fn: s.fn, options: { ...app.options[s.fn] } }));
}

let batch: Batch;
function update(): void {
  batch = makeBatch(app.truth, predBase(), app.settings, app.second);
  app.results = evaluate(batch, choices());
  app.version++;
  renderInputs();
  renderResults();
  window.__segloss_state = {
    version: app.version,
    sweepVersion: app.sweepVersion,
    backend: app.backend,
    lang: app.lang,
    B: batch.B,
    H: batch.H,
    W: batch.W,
    yTrue: Array.from(batch.yTrue),
    logits: Array.from(batch.logits),
    losses: app.results.map((r) => ({ fn: r.fn, options: r.options, value: r.value })),
    numTensors: liveTensors(),
  };
  document.body.dataset.version = String(app.version);
  scheduleSweep();
}

function renderInputs(): void {
  const truthCanvas = $('#truth') as HTMLCanvasElement;
  drawGrey(truthCanvas, app.truth, app.truth.data, INPUT_SCALE, [40, 40, 40]);
  const p = Array.from(batch.logits.subarray(0, N * N), (x) => 1 / (1 + Math.exp(-x)));
  const predCanvas = $('#pred') as HTMLCanvasElement;
  drawGrey(predCanvas, app.truth, p, INPUT_SCALE, [60, 60, 60]);
  drawOutline(predCanvas, app.truth, INPUT_SCALE, '#e8710a');
  predCanvas.classList.toggle('drawable', app.drawnPred !== null);
}

function renderResults(): void {
  for (const r of app.results) {
    const card = document.querySelector(`.card[data-fn="${r.fn}"]`);
    if (!card) continue;
    card.querySelector('.value')!.textContent = Number.isFinite(r.value) ? r.value.toFixed(5) : 'NaN';
    card.querySelector('.error')!.textContent = r.error ?? '';
    const max = drawGradient(card.querySelector('canvas')!, app.truth, r.grad, MAP_SCALE);
    card.querySelector('.max')!.textContent = max > 0 ? `${t('maxGrad')} = ${max.toExponential(2)}` : t('noGrad');
  }
}

let sweepTimer: ReturnType<typeof setTimeout> | undefined;
let sweepToken = 0;
function scheduleSweep(): void {
  clearTimeout(sweepTimer);
  sweepToken++;
  sweepTimer = setTimeout(() => void runSweep(sweepToken), 120);
}

/** Computes the sweep one point per task (the page stays responsive); a newer sweep cancels it. */
async function runSweep(token: number): Promise<void> {
  const chosen = choices();
  const svg = $('#chart') as unknown as SVGSVGElement;
  let xs: number[];
  let make: (x: number) => Batch;
  if (app.sweep === 'shift') {
    xs = shiftSweepValues(predBase(), app.settings, 21);
    make = (x) => makeBatch(app.truth, predBase(), { ...app.settings, shift: x }, app.second);
  } else {
    xs = fractionSweepValues(17);
    make = (x) => {
      const disk = diskOfFraction(x, N, N);
      return makeBatch(disk, disk, app.settings, app.second);
    };
  }
  const ys: number[][] = [];
  for (const x of xs) {
    await new Promise((ok) => setTimeout(ok, 0));
    if (token !== sweepToken) return;
    ys.push(values(make(x), chosen));
  }
  const series = chosen.map((c, k) => {
    const column = ys.map((row) => row[k]);
    const top = Math.max(...column.filter(Number.isFinite).map(Math.abs));
    return { fn: c.fn, colour: specs.find((s) => s.fn === c.fn)!.color, ys: app.normalise && top > 0 ? column.map((y) => y / top) : column };
  });
  drawChart(svg, xs, series, {
    logX: app.sweep === 'fraction',
    percent: app.sweep === 'fraction',
    xLabel: t(app.sweep === 'shift' ? 'sweepAxisShift' : 'sweepAxisFraction'),
    ...(app.sweep === 'shift' ? { marker: app.settings.shift } : {}),
  });
  app.sweepVersion++;
  if (window.__segloss_state) window.__segloss_state.sweepVersion = app.sweepVersion;
}

// ---------- start ----------
async function start(): Promise<void> {
  buildSliders();
  buildChooser();
  buildCards();
  const forced = new URLSearchParams(location.search).get('backend');
  app.backend = await initBackend(forced);
  $('#backend').textContent = app.backend;
  if (!forced) {
    // Why not webgl, or that this WebGL is a software rasteriser (slower than a GPU).
    const soft = softwareRenderer();
    if (app.backend !== 'webgl') app.backendNote = soft === 'none' ? 'noWebgl' : 'webglFailed';
    else if (soft) app.backendNote = 'softWebgl';
  }
  $('#backend-note').textContent = app.backendNote ? t(app.backendNote) : '';
  document.querySelectorAll<HTMLButtonElement>('[data-preset]').forEach((b) =>
    b.addEventListener('click', () => {
      app.truth = presetMask(b.dataset.preset as Preset, N, N);
      if (app.drawnPred) app.drawnPred = { ...app.truth, data: app.truth.data.slice() };
      schedule();
    }),
  );
  $('#clear').addEventListener('click', () => {
    app.truth = presetMask('empty', N, N);
    schedule();
  });
  document.querySelectorAll<HTMLInputElement>('input[name="source"]').forEach((r) =>
    r.addEventListener('change', () => {
      app.drawnPred = r.value === 'drawn' ? { ...app.truth, data: app.truth.data.slice() } : null;
      schedule();
    }),
  );
  document.querySelectorAll<HTMLInputElement>('input[name="sweep"]').forEach((r) =>
    r.addEventListener('change', () => {
      app.sweep = r.value as 'shift' | 'fraction';
      scheduleSweep();
    }),
  );
  $('#normalise').addEventListener('change', (e) => {
    app.normalise = (e.target as HTMLInputElement).checked;
    scheduleSweep();
  });
  $('#batch2').addEventListener('change', (e) => {
    app.second = (e.target as HTMLInputElement).checked;
    schedule();
  });
  $('#lang').addEventListener('click', () => {
    app.lang = app.lang === 'en' ? 'zh' : 'en';
    applyLanguage();
    scheduleSweep();
  });
  attachPainter($('#truth') as HTMLCanvasElement, () => app.truth);
  attachPainter($('#pred') as HTMLCanvasElement, () => app.drawnPred);
  update();
  document.body.dataset.ready = 'true';
}

start().catch((e: Error) => {
  document.body.dataset.ready = 'error';
  $('#backend').textContent = e.message;
});
