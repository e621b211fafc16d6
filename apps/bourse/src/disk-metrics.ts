// The data directory's filesystem as Prometheus gauges on /metrics, so an operator is warned before
// the disk fills and the journal stalls (deploy/prometheus/bourse-rules.yml: BourseDiskNearlyFull).

import { statfsSync } from 'node:fs';

/** Free (to this unprivileged process) and total bytes of the filesystem holding `dir`. */
export function renderDiskMetrics(dir: string): string {
  let free: number;
  let size: number;
  try {
    const s = statfsSync(dir);
    free = s.bavail * s.bsize;
    size = s.blocks * s.bsize;
  } catch {
    // The directory went away or cannot be read: say nothing rather than report a wrong number.
    return '';
  }
  return (
    gauge('bourse_data_dir_free_bytes', 'Bytes free on the data directory’s filesystem.', free) +
    gauge('bourse_data_dir_size_bytes', 'Size of the data directory’s filesystem.', size)
  );
}

function gauge(name: string, help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;
}
