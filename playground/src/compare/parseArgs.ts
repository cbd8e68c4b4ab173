/**
 * A browser stand-in for `node:util`'s `parseArgs`, for the strict subset the CLI's flag parser
 * (src/cli/options/parse.ts) uses: long options `--name value` and `--name=value`, booleans
 * `--name`, one-letter booleans `-q`, and positionals. Unknown options and missing values fail
 * with Node's messages, so parse.ts turns them into the CLI's own did-you-mean errors.
 * Vite aliases `node:util` to this file (playground/vite.config.ts).
 */
interface OptionConfig {
  type: 'string' | 'boolean';
  short?: string;
}

interface ParseArgsConfig {
  args: string[];
  options: Record<string, OptionConfig>;
  strict?: boolean;
  allowPositionals?: boolean;
}

export function parseArgs(config: ParseArgsConfig): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const { args, options } = config;
  const values: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const long = arg.startsWith('--');
    const name = long ? arg.slice(2, eq > 0 ? eq : undefined) : byShort.get(arg.slice(1));
    const option = name === undefined ? undefined : options[name];
    if (name === undefined || option === undefined) throw new TypeError(`Unknown option '${long && eq > 0 ? arg.slice(0, eq) : arg}'`);
    if (option.type === 'boolean') {
      values[name] = true;
      continue;
    }
    if (long && eq > 0) values[name] = arg.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) values[name] = args[++i];
    else throw new TypeError(`Option '--${name} <value>' argument missing`);
  }
  return { values, positionals };
}
