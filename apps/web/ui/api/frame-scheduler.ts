// Coalesces work to at most once per animation frame: however many WebSocket messages arrive between
// two frames, each scheduled task runs once before the next paint. Hidden tabs (no frames) and
// environments without frames fall back to a timer so state still converges.

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
  const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
  if (hidden || typeof requestAnimationFrame === 'undefined') setTimeout(flush, hidden ? 250 : 16);
  else requestAnimationFrame(flush);
}
