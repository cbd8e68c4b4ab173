// The README is also the package's page on the npm registry, which shows it without the files it
// links to (docs/ is not in the tarball). So its links and images into the repository are absolute
// URLs built from package.json's `repository`: this script rewrites README.md's relative ones
// (`docs/cli.md` → <repository>/blob/HEAD/docs/cli.md, images → <repository>/raw/HEAD/...) and
// moves links built from an earlier `repository` to the current one.
//
// Run:  npm run readme:links            (rewrites README.md)
//       node scripts/readmeLinks.mjs --check     (exit 1 when README.md is not up to date)
//       node scripts/readmeLinks.mjs --release   (also exit 1 while `repository` is a placeholder)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The placeholder owner in package.json's URLs until the repository is published. */
export const PLACEHOLDER_OWNER = 'OWNER';

/** `https://github.com/<owner>/<name>` from package.json's `repository` (string or `{ url }`). */
export function repositoryBase(pkg) {
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  const m = /github\.com[/:]([^/]+)\/([^/#]+?)(?:\.git)?\/?$/.exec(url ?? '');
  if (!m) throw new Error(`scripts/readmeLinks.mjs: package.json repository must be a GitHub repository URL, got ${JSON.stringify(url)}.`);
  return `https://github.com/${m[1]}/${m[2]}`;
}

/** Every Markdown link and image of `text`: `[label](target)` / `![alt](target)`, with the target's offset. */
export function markdownLinks(text) {
  return [...text.matchAll(/(!?)\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => ({ image: m[1] === '!', target: m[2], at: m.index + m[0].length - 1 - m[2].length }));
}

const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:|#)/i;
const REPO_FILE = /^https:\/\/github\.com\/[^/]+\/[^/]+\/(?:blob|raw)\/HEAD\/(.+)$/;

/** The repository-relative path a target names: a relative path, or one of our absolute URLs; else null. */
export function repositoryPath(target) {
  if (!ABSOLUTE.test(target)) return target.replace(/^\.\//, '');
  return REPO_FILE.exec(target)?.[1] ?? null;
}

/** README text with its repository links absolute under `base`. */
export function absoluteLinks(text, base) {
  let out = '';
  let last = 0;
  for (const { image, target, at } of markdownLinks(text)) {
    const path = repositoryPath(target);
    if (path === null) continue;
    out += text.slice(last, at) + `${base}/${image ? 'raw' : 'blob'}/HEAD/${path}`;
    last = at + target.length;
  }
  return out + text.slice(last);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const base = repositoryBase(pkg);
  const file = join(root, 'README.md');
  const text = readFileSync(file, 'utf8');
  const fixed = absoluteLinks(text, base);
  let failed = false;
  if (process.argv.includes('--check') || process.argv.includes('--release')) {
    if (fixed !== text) {
      console.error(`scripts/readmeLinks.mjs: README.md's repository links must be absolute under ${base}, got relative or stale ones; run \`npm run readme:links\`.`);
      failed = true;
    }
  } else if (fixed !== text) {
    writeFileSync(file, fixed);
    console.log(`scripts/readmeLinks.mjs: README.md links now under ${base}`);
  }
  if (process.argv.includes('--release') && base.includes(`/${PLACEHOLDER_OWNER}/`)) {
    console.error(`scripts/readmeLinks.mjs: package.json repository must name the published repository, got the placeholder ${base}.`);
    failed = true;
  }
  process.exit(failed ? 1 : 0);
}
