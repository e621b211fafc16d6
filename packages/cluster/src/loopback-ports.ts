// Loopback ports for servers that take theirs as a flag (etcd members, `cluster up`'s nats-server,
// PostgreSQL and HAProxy, a `bourse serve` that must come back on the same port): the kernel cannot
// pick them at bind time, so a port is chosen here and handed over. Binding port 0 and closing it
// would hand over a port from the kernel's ephemeral range, which any other process's port-0 bind
// (another test's server) can be given before the server binds it, and outgoing connections draw
// from too. These come from just below that range instead, each process walking it from its own
// offset, and a small lock file per port (with the owner's pid) keeps two of our processes off the
// same one for as long as the one holding it lives (decision 0985).

import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the lock files live: shared by every process on the machine that runs these tools. */
const LOCK_DIR = join(tmpdir(), 'bourse-ports');
/** How many ports below the ephemeral range are ours: above most well-known services' ports. */
const SPAN = 12_288;
const LOWEST = 1_024;

/** The kernel's ephemeral range (outgoing connections and port-0 binds take their ports there). */
export function ephemeralRange(
  text = readOr('/proc/sys/net/ipv4/ip_local_port_range', '32768 60999'),
): readonly [number, number] {
  const [low, high] = text.trim().split(/\s+/).map(Number);
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) return [32_768, 60_999];
  return [low!, high!];
}

/**
 * The ports handed out: just below the ephemeral range, or above it when there is no room below,
 * or (a range that covers nearly everything) whatever lies outside of the privileged ports.
 */
export function portRange([low, high]: readonly [number, number]): readonly [number, number] {
  if (low - LOWEST >= 1_024) return [Math.max(LOWEST, low - SPAN), low - 1];
  if (65_535 - high >= 1_024) return [high + 1, Math.min(65_535, high + SPAN)];
  return [LOWEST, 65_535];
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** Every port this process handed out: never handed out twice, its lock file removed at exit. */
const owned = new Set<number>();
let cursor: number | undefined;
let lockDirReady = false;

/**
 * `count` distinct loopback ports that are free now (bound on 127.0.0.1 and on the wildcard address
 * and closed again), outside the kernel's ephemeral range, and locked against our other processes
 * for this process's life.
 */
export async function freePorts(count: number): Promise<number[]> {
  const [first, last] = portRange(ephemeralRange());
  const size = last - first + 1;
  // Knuth's multiplicative hash: processes with neighbouring pids start far apart.
  cursor ??= (Math.imul(process.pid, 2_654_435_761) >>> 0) % size;
  const ports: number[] = [];
  for (let tried = 0; ports.length < count; tried++) {
    if (tried >= size) throw new Error(`no ${count} free loopback ports in ${first}-${last}`);
    const port = first + (cursor++ % size);
    if (await claimPort(port)) ports.push(port);
  }
  return ports;
}

/**
 * Takes `port` for this process if it is free now and no other live process of ours holds it;
 * false when this process handed it out already.
 */
export async function claimPort(port: number): Promise<boolean> {
  if (owned.has(port)) return false;
  // Marked first: two calls of this process at once never both get it.
  owned.add(port);
  if ((await bindable(port)) && lock(port)) return true;
  owned.delete(port);
  return false;
}

async function bindable(port: number): Promise<boolean> {
  for (const host of ['127.0.0.1', '0.0.0.0']) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/**
 * Takes `port` for this process unless another live one holds it. Each writes its own file, then
 * looks for others': of two that race, at least the later one sees the earlier one's file, so no
 * port goes to two. A lock dir this process cannot write leaves only the bind check.
 */
function lock(port: number): boolean {
  const mine = join(LOCK_DIR, `${port}-${process.pid}`);
  try {
    if (!lockDirReady) lockDirReady = ensureLockDir();
    if (heldElsewhere(port)) return false;
    writeFileSync(mine, '', { flag: 'wx' });
  } catch (error) {
    // EEXIST: a thread of this process, or a killed process that had this pid, holds it.
    return (error as NodeJS.ErrnoException).code !== 'EEXIST';
  }
  if (heldElsewhere(port)) {
    unlinkSync(mine);
    return false;
  }
  return true;
}

/**
 * Whether a live process other than this one holds `port` (any port when undefined: only the sweep
 * of dead holders' files, which a process killed with -9 leaves behind, is wanted then).
 */
function heldElsewhere(port?: number): boolean {
  let held = false;
  for (const name of readdirSync(LOCK_DIR)) {
    const [p, pid] = name.split('-').map(Number);
    if ((port !== undefined && p !== port) || pid === undefined || pid === process.pid) continue;
    if (alive(pid)) held = true;
    else unlinkQuietly(join(LOCK_DIR, name));
  }
  return held;
}

function ensureLockDir(): true {
  mkdirSync(LOCK_DIR, { recursive: true });
  try {
    // Every user's processes share it; the sticky bit keeps each one's files its own.
    chmodSync(LOCK_DIR, 0o1777);
  } catch {
    // Another user's dir: it is open to all already, or this process only gets the bind check.
  }
  heldElsewhere();
  process.on('exit', unlockAll);
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already: another process cleaned it up.
  }
}

function unlockAll(): void {
  for (const port of owned) unlinkQuietly(join(LOCK_DIR, `${port}-${process.pid}`));
}

/** Whether a server's start failed because its port was taken (the message carries its log's words). */
export function addressInUse(error: unknown): boolean {
  return /address already in use|EADDRINUSE/i.test(String(error));
}

/**
 * Starts a server on `count` fresh ports, and on fresh ones again (up to `attempts` times in all)
 * while a start fails because a port was taken after it was checked: a process outside ours can
 * still bind one in between. Any other failure is the caller's at once.
 */
export async function startOnFreshPorts<T>(
  count: number,
  start: (ports: number[]) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePorts(count));
    } catch (error) {
      if (attempt >= attempts || !addressInUse(error)) throw error;
    }
  }
}
