// `bourse sandbox …`: drives a running sandbox (`bourse serve --sandbox`) through its admin API under
// /api/v1/sandbox with an admin's API key: the clock, the event record, faults, and saving and
// resetting to scenarios (docs/sandbox.md).

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RestClient } from '@bourse/client';
import { parseDuration, resolveTime } from '@bourse/gateway';
import { SANDBOX_HELP } from './help-texts.ts';
import { FAULT_FLAGS, type FaultValues, faultRequest } from './sandbox-fault-command.ts';
import { readScenarioFile } from './sandbox-host.ts';

const FLAGS = {
  url: { type: 'string' },
  'key-id': { type: 'string' },
  'key-file': { type: 'string' },
  account: { type: 'string' },
  kind: { type: 'string' },
  after: { type: 'string' },
  limit: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
  ...FAULT_FLAGS,
} as const;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `500ms`, `30s`, `15m`, `2h`, `1d`, `1h30m` or a bare number of milliseconds. */
export function durationArg(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new UsageError(`not a duration: ${text} (e.g. 500ms, 30s, 15m, 2h, 1d)`);
  return ms;
}

/** An ISO time (`2026-12-07T09:00:00Z`) or milliseconds since the epoch. */
export function timeArg(text: string): number {
  if (text.startsWith('+'))
    throw new UsageError(`a jump goes to a time; for ${text} use clock step`);
  const ms = resolveTime(text, 0);
  if (ms === undefined) throw new UsageError(`not a time: ${text}`);
  return ms;
}

function client(values: { url?: string; 'key-id'?: string; 'key-file'?: string }): RestClient {
  const baseUrl = values.url ?? process.env.BOURSE_URL ?? 'http://127.0.0.1:8080';
  const keyId = values['key-id'] ?? process.env.BOURSE_KEY_ID;
  const keyFile = values['key-file'] ?? process.env.BOURSE_KEY_FILE;
  if (keyId === undefined || keyFile === undefined) {
    throw new UsageError('give an admin API key: --key-id and --key-file (or BOURSE_KEY_ID/_FILE)');
  }
  return new RestClient({
    baseUrl,
    credentials: { keyId, privateKey: readFileSync(keyFile, 'utf8') },
  });
}

type Request = [string, string, unknown, Record<string, string | undefined> | undefined];

/** The request a command line names: [method, path, body, query]. */
export function sandboxRequest(
  positionals: readonly string[],
  values: {
    account?: string;
    kind?: string;
    after?: string;
    limit?: string;
    name?: string;
  } & FaultValues,
): Request {
  const [sub, op, arg] = positionals;
  const base = '/api/v1/sandbox';
  if (sub === 'status') return ['GET', `${base}/status`, undefined, undefined];
  if (sub === 'fault') return faultRequest(op, arg, values, (m) => new UsageError(m), durationArg);
  if (sub === 'sockets') return ['GET', `${base}/sockets`, undefined, undefined];
  if (sub === 'save') {
    if (op === undefined) throw new UsageError('save needs a file to write (.json, .yaml or .yml)');
    return ['GET', `${base}/scenario`, undefined, { name: values.name }];
  }
  if (sub === 'reset') {
    if (op === undefined) throw new UsageError('reset needs a scenario file (JSON or YAML)');
    // The file is read by `sandboxCommand` (asynchronously); this names the request.
    return ['POST', `${base}/reset`, op, undefined];
  }
  if (sub === 'events') {
    const { account, kind, after, limit } = values;
    return ['GET', `${base}/events`, undefined, { account, kind, after, limit }];
  }
  if (sub === 'clock') {
    const need = (what: string) => {
      if (arg === undefined) throw new UsageError(`clock ${op} needs ${what}`);
      return arg;
    };
    switch (op) {
      case undefined:
        return ['GET', `${base}/clock`, undefined, undefined];
      case 'pause':
        return ['POST', `${base}/clock/pause`, undefined, undefined];
      case 'run':
        return ['POST', `${base}/clock/run`, { rate: Number(need('a rate')) }, undefined];
      case 'step':
        return ['POST', `${base}/clock/step`, { ms: durationArg(need('a duration')) }, undefined];
      case 'jump':
        return ['POST', `${base}/clock/jump`, { to: timeArg(need('a time')) }, undefined];
    }
  }
  throw new UsageError(`unknown sandbox command: ${positionals.join(' ')}\n\n${SANDBOX_HELP}`);
}

/** Prints a clock as people read it; everything else as JSON. */
function render(answer: unknown, json: boolean): string {
  const a = answer as { now?: unknown; mode?: unknown; rate?: unknown };
  if (json || typeof a.now !== 'number') return `${JSON.stringify(answer, null, 2)}\n`;
  return `${new Date(a.now).toISOString()}  ${String(a.mode)}  ×${String(a.rate)}\n`;
}

export async function sandboxCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: FLAGS, allowPositionals: true });
  if (values.help || positionals.length === 0) {
    process.stdout.write(SANDBOX_HELP);
    return values.help ? 0 : 2;
  }
  const [method, path, named, query] = sandboxRequest(positionals, values);
  const body = positionals[0] === 'reset' ? await readScenarioFile(named as string) : named;
  const answer = await client(values).request(method, path, body, query);
  if (positionals[0] === 'save') {
    const file = positionals[1]!;
    const yaml = /\.ya?ml$/i.test(file);
    const text = yaml
      ? (await import('yaml')).stringify(answer)
      : `${JSON.stringify(answer, null, 2)}\n`;
    writeFileSync(file, text);
    process.stdout.write(`saved the sandbox's world as ${file}\n`);
    return 0;
  }
  process.stdout.write(render(answer, values.json));
  return 0;
}
