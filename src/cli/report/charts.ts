/** SVG line charts for the report: axes, round-number ticks, a legend. Pure strings. */

/** Escapes text for HTML and SVG. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Round numbers for axis ticks: about `count` steps of 1, 2 or 5 × 10^k covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** One line of a chart. */
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

/** An SVG line chart with axes, ticks and a legend. */
export function lineChart(title: string, series: Series[], opts: { xLabel: string; yLabel: string; yRange?: [number, number]; width?: number; height?: number; legend?: boolean }): string {
  const W = opts.width ?? 560;
  const H = opts.height ?? 320;
  const m = { l: 56, r: opts.legend === false ? 14 : W < 420 ? 92 : 170, t: 28, b: 42 };
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const x0 = Math.min(...xs, 1);
  const x1 = Math.max(...xs, x0 + 1);
  let [y0, y1] = opts.yRange ?? [Math.min(...ys, 0), Math.max(...ys, 1e-6)];
  if (!opts.yRange) {
    const pad = (y1 - y0) * 0.05 || 0.05;
    y0 = Math.max(0, y0 - pad) === 0 && y0 >= 0 ? 0 : y0 - pad;
    y1 += pad;
  }
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" class="chart">`,
    `<text x="${m.l}" y="18" class="title">${esc(title)}</text>`,
  ];
  for (const t of niceTicks(y0, y1)) {
    if (t < y0 - 1e-12 || t > y1 + 1e-12) continue;
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${m.l - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end" class="tick">${t}</text>`);
  }
  const xt = niceTicks(x0, x1, Math.min(10, Math.max(1, x1 - x0))).filter((t) => Number.isInteger(t));
  for (const t of xt) {
    parts.push(`<text x="${px(t).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle" class="tick">${t}</text>`);
  }
  parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" class="axis"/>`);
  parts.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" class="axis"/>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" text-anchor="middle" class="label">${esc(opts.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle" class="label">${esc(opts.yLabel)}</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    const d = pts.map((p, k) => `${k ? 'L' : 'M'}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''} class="series"><title>${esc(s.name)}</title></path>`);
    if (pts.length === 1) parts.push(`<circle cx="${px(pts[0][0]).toFixed(1)}" cy="${py(pts[0][1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    if (opts.legend !== false) {
      const ly = m.t + 4 + i * 18;
      parts.push(`<line x1="${W - m.r + 12}" x2="${W - m.r + 34}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
      parts.push(`<text x="${W - m.r + 40}" y="${ly + 4}" class="legend">${esc(s.name.length > 22 ? `${s.name.slice(0, 21)}…` : s.name)}</text>`);
    }
  });
  parts.push('</svg>');
  return parts.join('');
}


/** One row of an interval chart: a point estimate and its interval (null: no interval drawn). */
export interface IntervalRow {
  name: string;
  value: number;
  ci: [number, number] | null;
  color: string;
  /** Drawn hollow, with the text after the name (e.g. `collapsed`). */
  note?: string;
}

/**
 * Horizontal error bars, one row per entry (top to bottom), on a shared x axis; `reference`
 * draws a dashed vertical line (a baseline, or 0 for differences).
 */
export function intervalChart(title: string, rows: IntervalRow[], opts: { xLabel: string; xRange?: [number, number]; reference?: { value: number; name: string }; width?: number }): string {
  const W = opts.width ?? 420;
  const rowH = 26;
  const m = { l: 12, r: 16, t: 30, b: 40 };
  const H = m.t + m.b + rowH * rows.length;
  const xs = rows.flatMap((r) => [r.value, ...(r.ci ?? [])]).concat(opts.reference ? [opts.reference.value] : []).filter(Number.isFinite);
  let [x0, x1] = opts.xRange ?? [Math.min(...xs), Math.max(...xs)];
  if (!opts.xRange) {
    const pad = (x1 - x0) * 0.08 || 0.05;
    x0 -= pad;
    x1 += pad;
  }
  const px = (x: number) => m.l + ((Math.min(x1, Math.max(x0, x)) - x0) / (x1 - x0)) * (W - m.l - m.r);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" class="chart intervals">`,
    `<text x="${m.l}" y="18" class="title">${esc(title)}</text>`,
  ];
  for (const t of niceTicks(x0, x1, 5)) {
    if (t < x0 - 1e-12 || t > x1 + 1e-12) continue;
    parts.push(`<line x1="${px(t).toFixed(1)}" x2="${px(t).toFixed(1)}" y1="${m.t}" y2="${H - m.b}" class="grid"/>`);
    parts.push(`<text x="${px(t).toFixed(1)}" y="${H - m.b + 14}" text-anchor="middle" class="tick">${t}</text>`);
  }
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle" class="label">${esc(opts.xLabel)}</text>`);
  if (opts.reference && Number.isFinite(opts.reference.value)) {
    const x = px(opts.reference.value).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.t - 4}" y2="${H - m.b}" stroke="#999" stroke-dasharray="4 3"><title>${esc(opts.reference.name)}</title></line>`);
  }
  rows.forEach((r, i) => {
    const y = m.t + rowH * i + rowH / 2 + 4;
    const label = `${r.name}${r.note ? ` (${r.note})` : ''}`;
    parts.push(`<text x="${m.l}" y="${y - 8}" class="legend">${esc(label.length > 48 ? `${label.slice(0, 47)}…` : label)}</text>`);
    const tip = `${r.name}: ${Number.isFinite(r.value) ? r.value.toFixed(3) : '—'}${r.ci ? ` [${r.ci[0].toFixed(3)}, ${r.ci[1].toFixed(3)}]` : ' (no interval)'}`;
    if (r.ci) parts.push(`<line x1="${px(r.ci[0]).toFixed(1)}" x2="${px(r.ci[1]).toFixed(1)}" y1="${y}" y2="${y}" stroke="${r.color}" stroke-width="3" class="bar"><title>${esc(tip)}</title></line>`);
    if (Number.isFinite(r.value)) {
      parts.push(`<circle cx="${px(r.value).toFixed(1)}" cy="${y}" r="4.5" fill="${r.note ? '#fff' : r.color}" stroke="${r.color}" stroke-width="2"><title>${esc(tip)}</title></circle>`);
    }
  });
  parts.push('</svg>');
  return parts.join('');
}

/** A square scatter plot of paired values in [0, 1] with the diagonal y = x. */
export function scatterChart(title: string, points: { x: number; y: number; name: string }[], opts: { xLabel: string; yLabel: string; size?: number }): string {
  const S = opts.size ?? 320;
  const m = { l: 50, r: 14, t: 28, b: 42 };
  const side = S - m.l - m.r;
  const px = (x: number) => m.l + x * side;
  const py = (y: number) => m.t + (1 - y) * side;
  const H = m.t + side + m.b;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${S} ${H}" width="${S}" height="${H}" role="img" aria-label="${esc(title)}" class="chart scatter">`,
    `<text x="${m.l}" y="18" class="title">${esc(title)}</text>`,
  ];
  for (const t of niceTicks(0, 1)) {
    parts.push(`<line x1="${px(t).toFixed(1)}" x2="${px(t).toFixed(1)}" y1="${m.t}" y2="${m.t + side}" class="grid"/><line x1="${m.l}" x2="${m.l + side}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${px(t).toFixed(1)}" y="${m.t + side + 14}" text-anchor="middle" class="tick">${t}</text><text x="${m.l - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end" class="tick">${t}</text>`);
  }
  parts.push(`<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#999" stroke-dasharray="4 3" class="diagonal"/>`);
  parts.push(`<text x="${m.l + side / 2}" y="${H - 6}" text-anchor="middle" class="label">${esc(opts.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${m.t + side / 2}) rotate(-90)" text-anchor="middle" class="label">${esc(opts.yLabel)}</text>`);
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    parts.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3.5" fill="#1f77b4" fill-opacity="0.7" class="point"><title>${esc(`${p.name}: ${p.x.toFixed(3)}, ${p.y.toFixed(3)}`)}</title></circle>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
