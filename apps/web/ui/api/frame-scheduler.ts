// Coalesces work to at most once per animation frame: however many WebSocket messages arrive between
// two frames, each scheduled task runs once before the next paint. Hidden tabs (no frames) and
// environments without frames fall back to a timer so state still converges.

// Read through globalThis so the module also loads (and typechecks) without the DOM, as in unit tests.
const env = globalThis as {
  readonly document?: { readonly visibilityState: string };
  readonly requestAnimationFrame?: (callback: () => void) => number;
};
const pending = new Set<() => void>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  const tasks = [...pending];
  pending.clear();
  for (const task of tasks) task();
}

export function scheduleFrame(task: () => void): void {
  pending.add(task);
  if (scheduled) return;
  scheduled = true;
  const hidden = env.document?.visibilityState === 'hidden';
  if (hidden || env.requestAnimationFrame === undefined) setTimeout(flush, hidden ? 250 : 16);
  else env.requestAnimationFrame(flush);
}
