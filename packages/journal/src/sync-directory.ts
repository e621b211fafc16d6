// fsync of a directory: makes a created, renamed or removed entry durable (Linux semantics), which
// an fsync of the file alone does not.
import { open } from 'node:fs/promises';

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
