// Writes a reference workload to disk, the same file and sidecar the published reference generator
// writes, so other engines (in any language) can replay exactly the stream Bourse is measured on:
//   node bench/engine/workload.ts --profile cents --n 1000000 --seed 42 [--mix brief] [--out bench/data]

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  encodeWorkload,
  generate,
  MIXES,
  type MixName,
  PROFILES,
  type ProfileName,
  workloadFileName,
} from '@bourse/benchkit';

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'cents' },
    mix: { type: 'string', default: 'brief' },
    n: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    target: { type: 'string', default: '1000' },
    out: { type: 'string', default: join(import.meta.dirname, '..', 'data') },
  },
});
if (!(values.profile in PROFILES) || !(values.mix in MIXES)) {
  console.error(
    `profile: ${Object.keys(PROFILES).join('|')}; mix: ${Object.keys(MIXES).join('|')}`,
  );
  process.exit(2);
}
const started = performance.now();
const w = generate({
  profile: values.profile as ProfileName,
  mix: values.mix as MixName,
  n: Number(values.n),
  seed: Number(values.seed),
  target: Number(values.target),
});
mkdirSync(values.out, { recursive: true });
const file = join(values.out, workloadFileName(w.meta));
writeFileSync(file, encodeWorkload(w));
writeFileSync(file.replace(/\.bin$/, '.json'), `${JSON.stringify(w.meta, null, 2)}\n`);
const ms = Math.round(performance.now() - started);
console.log(JSON.stringify({ file, ms, ...w.meta }, null, 1));
