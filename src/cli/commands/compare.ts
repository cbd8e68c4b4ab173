/** `segloss compare`: flags → ComparePlan → orchestrate/compare → print the report's path. */
import type { Env, Io } from '../env.js';
import { COMPARE_FLAGS } from '../options/flags.js';
import { helpText } from '../options/help.js';
import { parseFlags } from '../options/parse.js';
import { comparePlan } from '../options/plan.js';
import { compare } from '../orchestrate/compare.js';

export async function compareCommand(argv: string[], io: Io, env: Env): Promise<number> {
  const { flags, given } = parseFlags('compare', COMPARE_FLAGS, argv);
  if (flags.help) {
    io.out.write(`${helpText('compare')}\n`);
    return 0;
  }
  const path = await compare(env, comparePlan(flags, given), ['segloss', 'compare', ...argv].join(' '));
  io.out.write(`${path}\n`);
  return 0;
}
