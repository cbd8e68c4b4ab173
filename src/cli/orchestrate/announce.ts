/** The lines every training command prints before training: what the data checks found, and the run's shape. */
import { describeResolution } from '../pipeline/resolution.js';
import type { ProgressSink } from '../pipeline/types.js';
import type { LoadedData } from './loadData.js';
import { imageSizes } from './runSettings.js';

/** Prints the mask-value summary (a log line) and every warning (shown even when quiet), prefixed by `who`. */
export function announce(progress: ProgressSink, who: string, data: LoadedData): void {
  if (data.maskValues !== undefined) progress.log(`${who}: ${data.maskValues}`);
  for (const w of data.warnings) progress.warn(`${who}: warning: ${w}`);
}

/** `24 training / 6 held-out images 512×512, native, 128×128 patches (flips, rotations)`. */
export function dataLine(data: LoadedData): string {
  const sizes = imageSizes([...data.train.infos, ...data.val.infos]);
  const how =
    data.resolution.kind === 'size'
      ? `whole images${data.augment ? ' (flips, rotations)' : ''}`
      : `${data.patch}×${data.patch} patches${data.augment ? ' (flips, rotations)' : ''}`;
  return `${data.train.infos.length} training / ${data.val.infos.length} held-out images ${sizes}, ${describeResolution(data.resolution)}, ${how}`;
}
