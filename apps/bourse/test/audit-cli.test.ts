// `bourse audit` on a real data directory: the key is created 0600 on first start and its public
// half printed; an untouched directory verifies against an exported checkpoint and public key; a
// record edited with its CRC recomputed is named (segment, offset, seq) with exit code 1; and a
// checkpoint from another key is refused when the operator's public key is given.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { BOURSE_MAIN } from '../src/cluster/spawn-ready.ts';

const run = promisify(execFile);
const main = BOURSE_MAIN;

async function bourse(...args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run(process.execPath, [main, ...args], { timeout: 120_000 });
    return { stdout, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; code: number };
    return { stdout: e.stdout, code: e.code };
  }
}

/**
 * Flips a byte in record `seq`'s payload and recomputes its CRC, as an attacker would (format 3:
 * records of a 16-byte header and payload, each batch followed by a seal, whose length word has its
 * top bit set).
 */
function editRecord(journalDir: string, seq: number): { segment: string; offset: number } {
  const [segment] = readdirSync(journalDir).filter((n) => n.endsWith('.seg'));
  const path = join(journalDir, segment!);
  const bytes = readFileSync(path);
  let at = 56;
  for (;;) {
    const word = bytes.readUInt32LE(at);
    const sealed = (word & 0x8000_0000) !== 0;
    if (!sealed && Number(bytes.readBigUInt64LE(at + 8)) === seq) break;
    at += 16 + (word & 0x7fff_ffff);
  }
  const length = bytes.readUInt32LE(at);
  bytes[at + 16 + length - 3]! ^= 1;
  bytes.writeUInt32LE(crc32(bytes.subarray(at + 8, at + 16 + length)), at + 4);
  writeFileSync(path, bytes);
  return { segment: segment!, offset: at };
}

test('audit verify proves an untouched data directory and names an edited record', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bourse-audit-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const d = ['--data-dir', dir];
  for (const code of ['USD', 'EUR', 'GBP']) {
    const created = await bourse('asset', 'create', '--code', code, '--scale', '100', ...d);
    assert.equal(created.code, 0, created.stdout);
  }
  assert.equal(statSync(join(dir, 'audit-key.pem')).mode & 0o777, 0o600);

  const key = await bourse('audit', 'key', ...d);
  assert.equal(key.code, 0);
  assert.match(key.stdout, /-----BEGIN PUBLIC KEY-----[\s\S]*fingerprint: [0-9a-f]{32}/);
  const checkpoint = await bourse('audit', 'checkpoint', ...d);
  assert.equal(checkpoint.code, 0);
  assert.equal(JSON.parse(checkpoint.stdout).seq, 3);
  const kept = mkdtempSync(join(tmpdir(), 'bourse-audit-kept-'));
  t.after(() => rmSync(kept, { recursive: true, force: true }));
  writeFileSync(join(kept, 'key.pem'), key.stdout.split('fingerprint')[0]!);
  writeFileSync(join(kept, 'checkpoint.json'), checkpoint.stdout);
  const trust = [
    '--public-key',
    join(kept, 'key.pem'),
    '--from-checkpoint',
    join(kept, 'checkpoint.json'),
  ];

  const clean = await bourse('audit', 'verify', ...d, ...trust);
  assert.equal(clean.code, 0, clean.stdout);
  assert.match(clean.stdout, /journal: 3 records chained/);
  assert.match(clean.stdout, /\(given\)/);
  assert.match(clean.stdout, /^ok: no record was changed/m);

  const copy = mkdtempSync(join(tmpdir(), 'bourse-audit-copy-'));
  t.after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(dir, copy, { recursive: true });
  const { segment, offset } = editRecord(join(copy, 'journal'), 2);
  const journalVerify = await bourse('journal', 'verify', '--data-dir', copy);
  assert.equal(journalVerify.code, 0, 'the CRC was recomputed: the checksum scan sees nothing');
  const caught = await bourse('audit', 'verify', '--data-dir', copy, ...trust);
  assert.equal(caught.code, 1, caught.stdout);
  assert.match(
    caught.stdout,
    new RegExp(`TAMPERED \\(record-chain\\) at ${segment} offset ${offset}, seq 2`),
  );

  const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
  writeFileSync(join(kept, 'other.pem'), other);
  const wrongKey = await bourse('audit', 'verify', ...d, '--public-key', join(kept, 'other.pem'));
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.stdout, /TAMPERED \(checkpoint-signature\).*signed by another key/);
});
