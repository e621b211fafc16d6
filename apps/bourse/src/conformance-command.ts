// `bourse conformance`: runs the client conformance suite (docs/conformance.md) against a sandbox
// with a client's bot, prints the table and writes the JSON report; exit status 1 when a scenario did
// not pass. `bourse conformance bot` is the reference bot (the demo bots' client stack) it is run with.

import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { runConformanceBot } from '@bourse/bots';
import { reportTable, runConformance } from './conformance/conformance-runner.ts';
import { CONFORMANCE_HELP } from './help-texts.ts';

const FLAGS = {
  target: { type: 'string' },
  'key-id': { type: 'string' },
  'key-file': { type: 'string' },
  bot: { type: 'string' },
  scenario: { type: 'string', multiple: true },
  asset: { type: 'string' },
  concurrency: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function conformanceCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'bot') return referenceBot();
  const { values } = parseArgs({ args: argv, options: FLAGS });
  if (values.help) {
    process.stdout.write(CONFORMANCE_HELP);
    return 0;
  }
  const target = values.target ?? process.env.BOURSE_URL;
  const keyId = values['key-id'] ?? process.env.BOURSE_KEY_ID;
  const keyFile = values['key-file'] ?? process.env.BOURSE_KEY_FILE;
  if (target === undefined || keyId === undefined || keyFile === undefined || !values.bot) {
    process.stderr.write(
      `--target, --key-id, --key-file and --bot are required\n\n${CONFORMANCE_HELP}`,
    );
    return 2;
  }
  const report = await runConformance({
    target,
    adminKey: { keyId, privateKeyPem: readFileSync(keyFile, 'utf8') },
    bot: values.bot,
    ...(values.scenario === undefined ? {} : { only: values.scenario }),
    ...(values.asset === undefined ? {} : { asset: values.asset }),
    ...(values.concurrency === undefined ? {} : { concurrency: Number(values.concurrency) }),
  });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (values.out !== undefined) writeFileSync(values.out, json);
  process.stdout.write(values.json ? json : reportTable(report));
  return report.failed === 0 ? 0 : 1;
}

/** The reference bot under the kit's protocol, configured from the environment the kit sets. */
async function referenceBot(): Promise<number> {
  const need = (name: string): string => {
    const v = process.env[name];
    if (v === undefined || v === '') throw new Error(`${name} is not set`);
    return v;
  };
  await runConformanceBot({
    baseUrl: need('BOURSE_URL'),
    keyId: need('BOURSE_KEY_ID'),
    privateKeyPem: readFileSync(need('BOURSE_KEY_FILE'), 'utf8'),
    market: need('BOURSE_MARKET'),
    lines: createInterface({ input: process.stdin }),
    write: (line) => process.stdout.write(`${line}\n`),
    log: (text) => process.stderr.write(`${text}\n`),
  });
  return 0;
}
