// A small tmpfs mounted for a test, to make a disk really fill up. Mounting needs root: without it
// the caller skips its test with a message. The mount is always undone when the test ends.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** Why a tmpfs cannot be mounted here, or undefined when it can. */
export function tmpfsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'a tmpfs mount needs Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (run the tests as root)';
  return undefined;
}

/** Mounts a tmpfs of `sizeBytes` on a new directory, unmounted and removed after the test. */
export function mountTmpfs(t: TestContext, sizeBytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', dir]);
  t.after(() => {
    try {
      execFileSync('umount', [dir]);
    } catch {
      execFileSync('umount', ['-l', dir]); // still busy: detach now, freed when the last file closes
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
