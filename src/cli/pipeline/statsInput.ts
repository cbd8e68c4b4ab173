/**
 * The statistics' input checks and pairing: records grouped by loss (in `--losses` order), runs
 * paired by repeat index, images paired by name. Portable: no Node, no tfjs.
 */
import type { ImageScores, RunRecord } from './runRecord.js';
import type { ImageSummary } from './stats.js';

/** One loss's records, in `--losses` order. */
interface LossGroup {
  index: number;
  label: string;
  loss: string;
  records: RunRecord[];
}

/** One loss's runs by repeat position (undefined where the run is missing, e.g. an interrupted compare); images in a common order. */
export interface LossRuns {
  label: string;
  loss: string;
  records: (RunRecord | undefined)[];
}

const FN = 'compareStats';

/** Groups records by the plan's loss number, in that order. */
export function byLoss(records: readonly RunRecord[]): LossGroup[] {
  if (records.length === 0) throw new RangeError(`${FN}: records must hold at least one finished run, got 0.`);
  const groups = new Map<number, LossGroup>();
  for (const r of records) {
    const g = groups.get(r.task.loss) ?? { index: r.task.loss, label: r.label, loss: r.loss, records: [] };
    if (g.label !== r.label) throw new RangeError(`${FN}: loss ${r.task.loss}'s runs must share one label (${g.label}), got ${r.label}.`);
    if (g.records.some((x) => x.task.repeat === r.task.repeat)) {
      throw new RangeError(`${FN}: each (loss, repeat) must have one record, got two for ${r.label} repeat ${r.task.repeat}.`);
    }
    g.records.push(r);
    groups.set(r.task.loss, g);
  }
  return [...groups.values()].sort((a, b) => a.index - b.index);
}

/**
 * Pairs the runs of every loss by repeat index (the union of the repeats any loss finished) and
 * the images by name (the first record's order); every run must have scored the same images.
 */
export function pairRuns(groups: readonly LossGroup[]): { losses: LossRuns[]; images: string[]; repeats: number[] } {
  const repeats = [...new Set(groups.flatMap((g) => g.records.map((r) => r.task.repeat)))].sort((a, b) => a - b);
  const images = groups[0].records[0].perImage.map((s) => s.image);
  if (images.length === 0) throw new RangeError(`${FN}: runs must score at least one held-out image, got 0.`);
  const want = [...images].sort().join('\n');
  const losses = groups.map((g) => ({
    label: g.label,
    loss: g.loss,
    records: repeats.map((rep) => {
      const r = g.records.find((x) => x.task.repeat === rep);
      if (!r) return undefined;
      if ([...r.perImage.map((s) => s.image)].sort().join('\n') !== want) {
        throw new RangeError(`${FN}: every run must score the same images (${images.length}: ${images.slice(0, 3).join(', ')}…), got ${r.perImage.length} different ones in ${r.label} repeat ${rep}.`);
      }
      const byName = new Map(r.perImage.map((s) => [s.image, s]));
      return { ...r, perImage: images.map((name) => byName.get(name)!) };
    }),
  }));
  return { losses, images, repeats };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

/**
 * One image's scores averaged over runs: Dice, IoU, precision, recall and NSD over the runs
 * where they are defined (NaN when none); HD95 over the finite values (Infinity when every run's is infinite).
 */
export function meanBy(image: string, scores: readonly ImageScores[]): ImageSummary {
  const of = (k: 'dice' | 'iou' | 'precision' | 'recall' | 'nsd') => mean(scores.map((s) => s[k]).filter((v): v is number => v !== undefined && Number.isFinite(v)));
  const out: ImageSummary = { image, dice: of('dice'), iou: of('iou'), precision: of('precision'), recall: of('recall') };
  const hd = scores.map((s) => s.hd95).filter((v): v is number => v !== undefined);
  if (hd.length) {
    const finite = hd.filter(Number.isFinite);
    out.hd95 = finite.length ? mean(finite) : Number.POSITIVE_INFINITY;
  }
  if (scores.some((s) => s.nsd !== undefined)) out.nsd = of('nsd');
  return out;
}
