// The exchange's time as the browser should count it: the wall clock, except on a sandbox
// (`bourse serve --sandbox`), whose simulated clock the exchange status reports; countdowns to a
// market's opening or closing then follow simulated time, paused or running at N×.

import type { SandboxClock } from '@bourse/protocol';

interface Sample {
  readonly clock: SandboxClock;
  /** The browser's wall time when the sample arrived. */
  readonly at: number;
}

let sample: Sample | undefined;
const listeners = new Set<() => void>();

/** Records the sandbox clock an exchange status answered with (never called on production). */
export function setSandboxClock(clock: SandboxClock): void {
  sample = { clock, at: Date.now() };
  for (const l of listeners) l();
}

/** The sandbox clock last heard, or undefined on an exchange that is not a sandbox. */
export function sandboxClock(): SandboxClock | undefined {
  return sample?.clock;
}

/** Milliseconds since the epoch on the exchange's clock. */
export function exchangeNow(): number {
  if (sample === undefined) return Date.now();
  const { clock, at } = sample;
  if (clock.mode === 'paused') return clock.now;
  return clock.now + Math.floor((Date.now() - at) * clock.rate);
}

export function watchSandboxClock(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
