// `bourse account freeze|unfreeze`: the surveillance kill switch from the command line, on a STOPPED
// data directory (against a running server use the admin API). A freeze cancels the account's live
// orders and refuses new ones; it is the same journaled command the admin API submits.

import { parseArgs } from 'node:util';
import { setAccountFrozen } from '@bourse/gateway';
import { UsageError, userOf, withExchange } from './admin-commands.ts';
import { ADMIN_HELP } from './help-texts.ts';

export async function accountCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string', default: './data' },
      help: { type: 'boolean', short: 'h' },
      username: { type: 'string' },
      account: { type: 'string' },
    },
  });
  if (values.help || sub === undefined || sub.startsWith('-')) {
    return void process.stdout.write(ADMIN_HELP);
  }
  if (sub !== 'freeze' && sub !== 'unfreeze')
    throw new UsageError(`unknown account command ${sub}`);
  if ((values.username === undefined) === (values.account === undefined)) {
    throw new UsageError('give exactly one of --username and --account');
  }
  await withExchange(values['data-dir'], async (s) => {
    const accountId =
      values.account !== undefined
        ? accountNumber(values.account)
        : (await userOf(s, values.username!)).accountId;
    const r = await setAccountFrozen(s, accountId, sub === 'freeze');
    process.stdout.write(
      `account ${r.accountId} ${r.frozen ? 'frozen' : 'unfrozen'} at seq ${r.seq}` +
        `${r.frozen ? `; ${r.cancelledOrders} live orders cancelled` : ''}\n`,
    );
  });
}

function accountNumber(raw: string): number {
  const n = /^[0-9]{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError('--account must be an account number');
  return n;
}
