// `npm run bench`: runs the selected benchmark suites (all registered ones by default) and prints
// their figures, as tables or, with `--json`, one JSON object per measurement. Exits 1 when a suite's
// final state did not match its reference, so a fast but wrong engine cannot pass unnoticed.

import { cpus, totalmem } from 'node:os';
import { parseBenchOptions } from './options.ts';
import { printJson, printTable } from './report.ts';
import { ON_REQUEST, SUITES } from './suites.ts';

const options = parseBenchOptions(process.argv.slice(2));
const names = options.suites ?? Object.keys(SUITES).filter((name) => !ON_REQUEST.has(name));
for (const name of names) {
  if (!SUITES[name]) {
    console.error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
}
if (!options.json) {
  const cpu = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  console.log(
    `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${gib} GiB`,
  );
  console.log(
    `workload: mix ${options.mix}, seed ${options.seed}, ${options.n.toLocaleString('en-US')} ` +
      `timed commands per replay, median of ${options.runs} replays`,
  );
}
let allValid = true;
for (const name of names) {
  const suite = await SUITES[name]!();
  const result = await suite.run(options);
  if (options.json) result.measurements.forEach(printJson);
  else printTable(suite.title, result);
  allValid &&= result.measurements.every((m) => m.valid);
}
if (!allValid) {
  console.error('a final state did not match its reference: see the notes above');
  process.exitCode = 1;
}
