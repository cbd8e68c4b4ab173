/** `segloss train`: flags → TrainPlan → orchestrate/trainModel → print the model folder. */
import type { Env, Io } from '../env.js';
import { TRAIN_FLAGS } from '../options/flags.js';
import { helpText } from '../options/help.js';
import { parseFlags } from '../options/parse.js';
import { trainPlan } from '../options/plan.js';
import { trainModel } from '../orchestrate/trainModel.js';

export async function trainCommand(argv: string[], io: Io, env: Env): Promise<number> {
  const { flags, given } = parseFlags('train', TRAIN_FLAGS, argv);
  if (flags.help) {
    io.out.write(`${helpText('train')}\n`);
    return 0;
  }
  const path = await trainModel(env, trainPlan(flags, given));
  io.out.write(`${path}\n`);
  return 0;
}
