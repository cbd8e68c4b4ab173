/** `segloss eval`: flags → EvalPlan → orchestrate/evalModel → print the scores (and write --json). */
import type { Env, Io } from '../env.js';
import { EVAL_FLAGS } from '../options/flags.js';
import { helpText } from '../options/help.js';
import { parseFlags } from '../options/parse.js';
import { evalPlan } from '../options/plan.js';
import { evalModel } from '../orchestrate/evalModel.js';
import { scoreLine, surfaceLine } from '../report/text.js';

export async function evalCommand(argv: string[], io: Io, env: Env): Promise<number> {
  const { flags } = parseFlags('eval', EVAL_FLAGS, argv);
  if (flags.help) {
    io.out.write(`${helpText('eval')}\n`);
    return 0;
  }
  const plan = evalPlan(flags);
  const result = await evalModel(env, plan, (text) => io.err.write(`segloss eval: ${text}\n`));
  io.out.write(`${result.loss} on ${result.images} images (${result.data}): ${scoreLine(result, 4)}  ${surfaceLine(result)}\n`);
  if (plan.json !== undefined) env.files.writeText(plan.json, `${JSON.stringify(result, null, 2)}\n`);
  return 0;
}
