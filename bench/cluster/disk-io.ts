// What a load run asks of the disk: the bytes each process had written to storage
// (`/proc/<pid>/io` write_bytes: what reached the block layer, not the page cache) and the flush
// requests the disks completed (`/proc/diskstats`, every fsync, fdatasync and O_DSYNC write ends in
// one), machine-wide because a flush cannot be told apart by process. On one disk every flush queues
// with etcd's WAL fsyncs, which each acknowledgement waits for.

import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Bytes a process caused to be written to storage so far; undefined once it is gone. */
export function writeBytes(pid: number): number | undefined {
  try {
    const m = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** Whole disks (not partitions, loop, RAM or zram devices), by the kernel's block device list. */
function disks(): Set<string> {
  if (!existsSync('/sys/block')) return new Set();
  return new Set(readdirSync('/sys/block').filter((d) => !/^(loop|ram|zram|dm-)/.test(d)));
}

/**
 * Flush requests completed by the machine's disks so far (the 16th statistics field, Linux 5.5+);
 * undefined where the kernel does not count them.
 */
export function diskFlushes(): number | undefined {
  try {
    const whole = disks();
    let total: number | undefined;
    for (const line of readFileSync('/proc/diskstats', 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length < 20 || !whole.has(f[2]!)) continue;
      total = (total ?? 0) + Number(f[18]);
    }
    return total;
  } catch {
    return undefined;
  }
}

/** The disk side of one run: per component bytes written, and the machine's flushes. */
export interface DiskUse {
  readonly writtenBytes: Record<string, number>;
  /** Flush requests completed over the run, machine-wide; undefined where not counted. */
  readonly flushes: number | undefined;
  readonly wallMs: number;
}

/**
 * "disk at 10,000/s: 412 flushes/s machine-wide (idle 35/s) · bytes written per order: etcd 610 B ·
 * …": what each component wrote per acknowledged order and how often the disk flushed.
 */
export function diskNote(label: string, run: DiskUse, orders: number, idle?: DiskUse): string {
  const rate = (d: DiskUse) =>
    d.flushes === undefined ? undefined : (d.flushes * 1000) / d.wallMs;
  const during = rate(run);
  const quiet = idle === undefined ? undefined : rate(idle);
  const flushes =
    during === undefined
      ? 'disk flushes not counted by this kernel'
      : `${during.toFixed(0)} disk flushes/s machine-wide` +
        (quiet === undefined ? '' : ` (idle cluster ${quiet.toFixed(0)}/s)`);
  const parts = Object.entries(run.writtenBytes)
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => `${name} ${(bytes / orders).toFixed(0)} B`);
  return `${label}: ${flushes}; bytes written to storage per acknowledged order: ${parts.join(' · ')}`;
}
