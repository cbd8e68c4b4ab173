/**
 * Debian's Chromium driven by playwright-core (playwright's own browser download cannot run
 * here): `/usr/bin/chromium`, or the path in `SEGLOSS_CHROMIUM`.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.SEGLOSS_CHROMIUM ?? '/usr/bin/chromium';

/** Quiet, offline, no first-run UI. */
const QUIET = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

/** WebGL2 and WebGPU in software (SwiftShader), as on a machine without a usable GPU. */
export const SOFTWARE_GPU = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'];

/** Launches headless Chromium with the quiet flags plus `args`. */
export function launchChromium(args: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...QUIET, ...args] });
}
