// A one-line progress bar on stderr for long operations (replay, snapshot, verify); silent when stderr
// is not a terminal, so logs and CI output stay clean.

export function progressBar(label: string): {
  update(done: number, total: number): void;
  end(): void;
} {
  const tty = process.stderr.isTTY === true;
  let last = -1;
  return {
    update(done, total) {
      if (!tty || total <= 0) return;
      const pct = Math.min(100, Math.floor((done / total) * 100));
      if (pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${done}/${total}`,
      );
    },
    end() {
      if (tty && last >= 0) process.stderr.write('\n');
    },
  };
}
