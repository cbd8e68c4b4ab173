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

