// `bourse report`: the compliance reports of a STOPPED data directory (against a running server, use
// the admin API's report downloads). The exchange is opened as the admin commands open it, so its read
// models first catch up with the whole journal: a report counts every durable command, and its stamp
// (the seq, in the file and its name, and the journal's chain hash there) says which.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { reportFile, withChainHash } from '@bourse/gateway';
import {
  type ComplianceReport,
  dayPeriod,
  monthPeriod,
  type ReadModels,
} from '@bourse/projections';
import { UsageError } from './admin-commands.ts';
import { REPORT_HELP } from './help-texts.ts';
import { openExchange } from './open-exchange.ts';

const OPTIONS = {
  'data-dir': { type: 'string', default: './data' },
  'read-db': { type: 'string' },
  format: { type: 'string', default: 'csv' },
  out: { type: 'string' },
  date: { type: 'string' },
  month: { type: 'string' },
  account: { type: 'string' },
  'market-threshold-lots': { type: 'string' },
  'event-threshold-lots': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

function positive(raw: string | undefined, flag: string): number {
  const n = Number(raw);
  if (raw === undefined || !/^[0-9]+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} must be a positive integer`);
  }
  return n;
}

function need(raw: string | undefined, flag: string): string {
  if (raw === undefined) throw new UsageError(`missing ${flag}`);
  return raw;
}

/** Turns a refused period into a usage error naming the flag. */
function period<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^(date|month)/, '--$1'));
  }
}

/** A report to build: its file name stem and how to read it. */
interface ReportRequest {
  readonly name: string;
  read(rm: ReadModels): Promise<ComplianceReport>;
}

/** The report `kind` asks for, with every flag checked before the data directory is opened. */
function request(kind: string, v: Values): ReportRequest {
  switch (kind) {
    case 'trade-register': {
      const date = need(v.date, '--date');
      const p = period(() => dayPeriod(date));
      return { name: `trade-register-${date}`, read: (rm) => rm.tradeRegister(p) };
    }
    case 'large-positions': {
      const market = positive(v['market-threshold-lots'], '--market-threshold-lots');
      const raw = v['event-threshold-lots'];
      const event = raw === undefined ? market : positive(raw, '--event-threshold-lots');
      const q = { marketThresholdLots: market, eventThresholdLots: event };
      return { name: 'large-positions', read: (rm) => rm.largePositions(q) };
    }
    case 'statement': {
      const accountId = positive(v.account, '--account');
      const month = need(v.month, '--month');
      const p = period(() => monthPeriod(month));
      return {
        name: `statement-${accountId}-${month}`,
        read: (rm) => rm.statement({ accountId, ...p }),
      };
    }
    default:
      throw new UsageError(`unknown report ${kind}: trade-register, large-positions or statement`);
  }
}

export async function reportCommand(argv: string[]): Promise<number> {
  const [kind, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: OPTIONS });
  if (values.help || kind === undefined || kind.startsWith('-')) {
    process.stdout.write(REPORT_HELP);
    return kind === undefined ? 2 : 0;
  }
  if (values.format !== 'csv' && values.format !== 'json') {
    throw new UsageError('--format must be csv or json');
  }
  const readDb = values['read-db'];
  if (readDb !== undefined && !/^postgres(ql)?:\/\//.test(readDb)) {
    throw new UsageError('--read-db must be a postgres:// URL');
  }
  const wanted = request(kind, values);
  const ex = await openExchange(resolve(values['data-dir']), {
    ...(readDb === undefined ? {} : { readDb: { kind: 'postgres', url: readDb } }),
  });
  try {
    await ex.core.readModels.waitFor(ex.core.durableSeq);
    const report = withChainHash(ex.core, await wanted.read(ex.core.readModels));
    const file = reportFile(report, wanted.name, values.format);
    if (values.out === undefined) process.stdout.write(file.body);
    else writeFileSync(values.out, file.body, { mode: 0o600 });
    process.stderr.write(
      `${kind} built from the read models at seq ${report.stamp.seq}` +
        `${report.stamp.chainHash === undefined ? '' : ` (chain ${report.stamp.chainHash})`}` +
        `${values.out === undefined ? '' : `, written to ${values.out}`}\n`,
    );
    return 0;
  } finally {
    await ex.close();
  }
}
