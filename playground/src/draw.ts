/** Canvas and SVG drawing: masks, predictions, gradient maps and the sweep chart. */
import type { Grid } from './masks';

/** Paints an H × W image of grey levels v ∈ [0, 1] (1 = dark), `scale` pixels per cell. */
export function drawGrey(canvas: HTMLCanvasElement, g: Grid, values: ArrayLike<number>, scale: number, tint: [number, number, number]): void {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(g.W * scale, g.H * scale);
  for (let y = 0; y < g.H * scale; y++) {
    for (let x = 0; x < g.W * scale; x++) {
      const v = Math.min(1, Math.max(0, values[Math.floor(y / scale) * g.W + Math.floor(x / scale)]));
      const o = (y * g.W * scale + x) * 4;
      img.data[o] = 255 - v * (255 - tint[0]);
      img.data[o + 1] = 255 - v * (255 - tint[1]);
      img.data[o + 2] = 255 - v * (255 - tint[2]);
      img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
}

/** Draws the outline of the target's foreground (cell edges between 1 and 0). */
export function drawOutline(canvas: HTMLCanvasElement, truth: Grid, scale: number, colour: string): void {
  const ctx = canvas.getContext('2d')!;
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1;
  ctx.beginPath();
  const on = (x: number, y: number) => x >= 0 && y >= 0 && x < truth.W && y < truth.H && truth.data[y * truth.W + x] > 0.5;
  for (let y = 0; y <= truth.H; y++) {
    for (let x = 0; x <= truth.W; x++) {
      if (on(x, y) !== on(x - 1, y)) {
        ctx.moveTo(x * scale + 0.5, y * scale);
        ctx.lineTo(x * scale + 0.5, (y + 1) * scale);
      }
      if (on(x, y) !== on(x, y - 1)) {
        ctx.moveTo(x * scale, y * scale + 0.5);
        ctx.lineTo((x + 1) * scale, y * scale + 0.5);
      }
    }
  }
  ctx.stroke();
}

const POS: [number, number, number] = [178, 24, 43];
const NEG: [number, number, number] = [33, 102, 172];

/** Diverging map of a gradient: red for > 0, blue for < 0, strength √(|g| / max|g|). Returns max|g|. */
export function drawGradient(canvas: HTMLCanvasElement, truth: Grid, grad: Float32Array, scale: number): number {
  let max = 0;
  for (const v of grad) max = Math.max(max, Math.abs(v));
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(truth.W * scale, truth.H * scale);
  for (let y = 0; y < truth.H * scale; y++) {
    for (let x = 0; x < truth.W * scale; x++) {
      const g = grad[Math.floor(y / scale) * truth.W + Math.floor(x / scale)];
      const a = max > 0 ? Math.sqrt(Math.abs(g) / max) : 0;
      const c = g >= 0 ? POS : NEG;
      const o = (y * truth.W * scale + x) * 4;
      img.data[o] = 255 - a * (255 - c[0]);
      img.data[o + 1] = 255 - a * (255 - c[1]);
      img.data[o + 2] = 255 - a * (255 - c[2]);
      img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  drawOutline(canvas, truth, scale, '#666');
  return max;
}

export interface Series {
  fn: string;
  colour: string;
  ys: number[];
}

const SVG = 'http://www.w3.org/2000/svg';

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Line chart of every series against xs into `svg` (log x axis when `logX`), with an optional marker. */
export function drawChart(svg: SVGSVGElement, xs: number[], series: Series[], opts: { logX: boolean; xLabel: string; marker?: number; percent?: boolean }): void {
  const width = 640;
  const height = 260;
  const m = { l: 48, r: 130, t: 12, b: 40 };
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const fx = (v: number) => (opts.logX ? Math.log(v) : v);
  const x0 = fx(xs[0]);
  const x1 = fx(xs[xs.length - 1]);
  const finite = series.flatMap((s) => s.ys).filter(Number.isFinite);
  const yMax = Math.max(1e-6, ...finite) * 1.05;
  const yMin = Math.min(0, ...finite) * 1.05; // boundaryLoss goes below 0 inside the target
  const px = (v: number) => m.l + ((fx(v) - x0) / (x1 - x0 || 1)) * (width - m.l - m.r);
  const py = (v: number) => height - m.b - ((v - yMin) / (yMax - yMin)) * (height - m.t - m.b);
  const axis = { stroke: '#999', 'stroke-width': 1 };
  svg.append(el('line', { x1: m.l, y1: py(0), x2: width - m.r, y2: py(0), ...axis }));
  svg.append(el('line', { x1: m.l, y1: m.t, x2: m.l, y2: height - m.b, ...axis }));
  for (let i = 0; i <= 4; i++) {
    const v = yMin + ((yMax - yMin) * i) / 4;
    svg.append(el('text', { x: m.l - 6, y: py(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#555' }, v.toFixed(2)));
    svg.append(el('line', { x1: m.l, y1: py(v), x2: width - m.r, y2: py(v), stroke: '#eee' }));
  }
  // x ticks: five log-spaced ones, or integers at a step that gives at most six.
  const span = xs[xs.length - 1] - xs[0];
  const step = Math.max(1, Math.ceil(span / 5));
  const ticks = opts.logX
    ? Array.from({ length: 5 }, (_, i) => Math.exp(x0 + ((x1 - x0) * i) / 4))
    : Array.from({ length: Math.floor(span / step) + 1 }, (_, i) => xs[0] + i * step);
  for (const v of ticks) {
    const label = opts.percent ? `${+(v * 100).toPrecision(2)} %` : String(v);
    svg.append(el('text', { x: px(v), y: height - m.b + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#555' }, label));
  }
  svg.append(el('text', { x: (m.l + width - m.r) / 2, y: height - 6, 'text-anchor': 'middle', 'font-size': 12, fill: '#333' }, opts.xLabel));
  if (opts.marker !== undefined) {
    svg.append(el('line', { x1: px(opts.marker), y1: m.t, x2: px(opts.marker), y2: height - m.b, stroke: '#aaa', 'stroke-dasharray': '4 3' }));
  }
  series.forEach((s, k) => {
    const d = s.ys
      .map((y, i) => (Number.isFinite(y) ? `${px(xs[i]).toFixed(1)},${py(y).toFixed(1)}` : null))
      .filter((p) => p !== null)
      .join(' L');
    if (d) svg.append(el('path', { d: `M${d}`, fill: 'none', stroke: s.colour, 'stroke-width': 2, 'data-testid': `sweep-line-${s.fn}` }));
    svg.append(el('line', { x1: width - m.r + 10, y1: m.t + 8 + k * 18, x2: width - m.r + 28, y2: m.t + 8 + k * 18, stroke: s.colour, 'stroke-width': 3 }));
    svg.append(el('text', { x: width - m.r + 32, y: m.t + 12 + k * 18, 'font-size': 11, fill: '#333' }, s.fn));
  });
}
