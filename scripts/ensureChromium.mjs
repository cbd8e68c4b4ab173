// Runs before `npm test`: the browser tests drive Debian's Chromium through playwright-core
// (playwright's own browser download cannot run here). When it is missing, install it with
// apt-get if we are root; otherwise stop with the one command that installs it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.SEGLOSS_CHROMIUM ?? '/usr/bin/chromium';
const INSTALL = 'sudo apt-get update && sudo apt-get install -y chromium';

if (!existsSync(CHROMIUM)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) {
    console.error(`segloss test: the browser tests need Debian's Chromium at ${CHROMIUM}; install it with:\n  ${INSTALL}`);
    process.exit(1);
  }
  console.log(`segloss test: ${CHROMIUM} is missing; installing Debian's chromium with apt-get (once)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  } catch (e) {
    console.error(`segloss test: installing chromium failed (${e.message}); run:\n  ${INSTALL}`);
    process.exit(1);
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`segloss test: apt-get finished but ${CHROMIUM} is still missing; run:\n  ${INSTALL}`);
    process.exit(1);
  }
}
