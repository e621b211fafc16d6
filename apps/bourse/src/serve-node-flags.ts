// The Node/V8 flags the server runs with: `npm start` passes them (package.json cannot import this
// file, so a test keeps the two equal) and the load generator starts its server with them.
//
// - A 64 MB young generation, so per-order garbage dies young instead of being promoted.
// - Garbage collection on each isolate's own thread. With parallel and concurrent GC, the helper
//   threads of every isolate (including the read-model worker's) run at normal priority and a
//   main-thread pause waits for helpers that wait for a core; on two shared cores that put tens of
//   milliseconds on the ack tail. Single-threaded, the read models' GC runs on their SCHED_IDLE thread
//   and the gateway's pauses are its own work only (docs/BENCHMARKS.md has the comparison).
export const SERVE_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=64',
  '--single-threaded-gc',
];
