// The exchange core's authoritative queries over the engine worker, held until what they saw is
// acknowledged (see buildQueries).

import type { EngineHost } from './engine-host.ts';
import type { ReplicatingCore } from './exchange-core.ts';
import type { QueryArgs, QueryName } from './worker-protocol.ts';

/**
 * The engine's queries, answered as of the last acknowledged command: the worker sees a batch as soon
 * as it is applied, which can be a group commit before the journal makes it durable, so an answer
 * is held until every command the worker had applied when it answered is acknowledged. Without it a
 * reader could see an order cancelled that a crash would bring back, or see the engine ahead of the
 * read models and the market-data feed, which follow acknowledged commands only.
 */
export function buildQueries(
  host: EngineHost,
  postedSeq: () => number,
  acknowledged: (seq: number) => Promise<void>,
): ReplicatingCore['query'] {
  type Q = ReplicatingCore['query'];
  const ask = async <N extends QueryName>(name: N, args: QueryArgs[N]): Promise<unknown> => {
    // Batches and queries reach the worker in the order they are posted, so this answer reflects
    // every batch posted so far and none posted later.
    const seen = postedSeq();
    const answer = await host.query(name, args);
    await acknowledged(seen);
    return answer;
  };
  return {
    balances: (accountId) => ask('balances', [accountId]) as ReturnType<Q['balances']>,
    positions: (accountId) => ask('positions', [accountId]) as ReturnType<Q['positions']>,
    order: (orderId) => ask('order', [orderId]) as ReturnType<Q['order']>,
    openOrders: (accountId, instrumentId) =>
      ask('openOrders', [accountId, instrumentId]) as ReturnType<Q['openOrders']>,
    queuePosition: (orderId) => ask('queuePosition', [orderId]) as ReturnType<Q['queuePosition']>,
    queuePositions: (accountId, instrumentId) =>
      ask('queuePositions', [accountId, instrumentId]) as ReturnType<Q['queuePositions']>,
    book: (instrumentId, depth) => ask('book', [instrumentId, depth]) as ReturnType<Q['book']>,
    instrument: (instrumentId) => ask('instrument', [instrumentId]) as ReturnType<Q['instrument']>,
    instruments: () => ask('instruments', []) as ReturnType<Q['instruments']>,
    accounts: () => ask('accounts', []) as ReturnType<Q['accounts']>,
    stateHash: () => ask('stateHash', []) as ReturnType<Q['stateHash']>,
    verify: () => ask('verify', []) as ReturnType<Q['verify']>,
    exchangeStatus: () => ask('exchangeStatus', []) as ReturnType<Q['exchangeStatus']>,
    orderGroups: (accountId) => ask('orderGroups', [accountId]) as ReturnType<Q['orderGroups']>,
    orderGroup: (groupId) => ask('orderGroup', [groupId]) as ReturnType<Q['orderGroup']>,
  };
}
