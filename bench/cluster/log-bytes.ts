// What the cluster's etcd log holds per command: the newest batch values (those of the highest rate
// run), their bytes divided by the commands they carry, read with etcdctl so it measures a log of
// either format (1: JSON objects, 2: binary records) the same way.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ByteReader } from '@bourse/engine';

const run = promisify(execFile);

/** Commands a batch value carries, from its own header (either log format). */
function commandsIn(value: Buffer): number {
  if (value[0] === 0x7b) {
    const v = JSON.parse(value.toString()) as { fromSeq: number; toSeq: number };
    return v.toSeq - v.fromSeq + 1;
  }
  const r = new ByteReader(value, 1);
  r.uint(); // term
  r.uint(); // fromSeq
  return r.uint();
}

/** "etcd log: 38 bytes per command (…)" over the newest `limit` batches under `/<prefix>/log/b/`. */
export async function logBytesNote(endpoints: readonly string[], limit = 200): Promise<string> {
  const { stdout } = await run(
    'etcdctl',
    [
      '--endpoints',
      endpoints.join(','),
      'get',
      '/bourse/log/b/',
      '--prefix',
      '--sort-by=KEY',
      '--order=DESCEND',
      `--limit=${limit}`,
      '-w',
      'json',
    ],
    { maxBuffer: 512 * 1024 * 1024 },
  );
  const kvs = (JSON.parse(stdout) as { kvs?: { value: string }[] }).kvs ?? [];
  let bytes = 0;
  let commands = 0;
  for (const kv of kvs) {
    const value = Buffer.from(kv.value, 'base64');
    bytes += value.length;
    commands += commandsIn(value);
  }
  const per = commands === 0 ? 0 : bytes / commands;
  return (
    `etcd log: ${per.toFixed(0)} bytes of batch value per command over the newest ${kvs.length} ` +
    `batches (${commands.toLocaleString('en-US')} commands, ${(commands / Math.max(1, kvs.length)).toFixed(0)} per batch)`
  );
}
