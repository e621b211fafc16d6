// The data directory's filesystem as Prometheus gauges on /metrics, so an operator is warned before
// the disk fills and the journal stalls (deploy/prometheus/bourse-rules.yml: BourseDiskNearlyFull).
// Read when scraped; a directory that cannot be read shows NaN (unknown) rather than a wrong number.

import { statfsSync } from 'node:fs';
import { Gauge, type Registry } from 'prom-client';

/** Free (to this unprivileged process) and total bytes of the filesystem holding `dir`. */
function diskBytes(dir: string): { free: number; size: number } | undefined {
  try {
    const s = statfsSync(dir);
    return { free: s.bavail * s.bsize, size: s.blocks * s.bsize };
  } catch {
    return undefined;
  }
}

export function registerDiskMetrics(registry: Registry, dir: string): void {
  const families = [
    ['bourse_data_dir_free_bytes', 'Bytes free on the data directory’s filesystem.', 'free'],
    ['bourse_data_dir_size_bytes', 'Size of the data directory’s filesystem.', 'size'],
  ] as const;
  for (const [name, help, field] of families) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(diskBytes(dir)?.[field] ?? Number.NaN);
      },
    });
  }
}
