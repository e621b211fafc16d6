// Where the strategy's commands fit between recorded ones. The engine wants order ids that only rise
// and ties order-group ids to seqs, so recorded seqs and order ids past the starting point are spread
// out by `STRATEGY_SLOTS` (the state restored at the start keeps its own), leaving room for the
// strategy's commands in between, and every recorded reference to an order or a group is rewritten
// the same way. Nothing else about a recorded command changes.

import type { Command } from '@bourse/engine';

/** Strategy commands (and order ids) that fit between two recorded ones. */
export const STRATEGY_SLOTS = 1 << 20;

export class IdSpace {
  readonly #baseSeq: number;
  readonly #baseOrderId: number;

  /** `baseSeq` and `baseOrderId`: the engine's last seq and highest order id at the start. */
  constructor(baseSeq: number, baseOrderId: number) {
    this.#baseSeq = baseSeq;
    this.#baseOrderId = baseOrderId;
  }

  seq(recorded: number): number {
    const b = this.#baseSeq;
    return recorded <= b ? recorded : b + (recorded - b) * STRATEGY_SLOTS;
  }

  orderId(recorded: number): number {
    const b = this.#baseOrderId;
    return recorded <= b ? recorded : b + (recorded - b) * STRATEGY_SLOTS;
  }

  /** A recorded command as it runs in the backtest: its seq and the ids it names spread out. */
  rewrite(c: Command): Command {
    const seq = this.seq(c.seq);
    switch (c.type) {
      case 'placeOrder':
        return c.orderGroupId === undefined
          ? { ...c, seq, orderId: this.orderId(c.orderId) }
          : {
              ...c,
              seq,
              orderId: this.orderId(c.orderId),
              orderGroupId: this.seq(c.orderGroupId),
            };
      case 'cancelOrder':
        return c.orderId === undefined
          ? { ...c, seq }
          : { ...c, seq, orderId: this.orderId(c.orderId) };
      case 'amendOrder':
      case 'decreaseOrder':
        return { ...c, seq, orderId: this.orderId(c.orderId) };
      case 'setOrderGroupLimit':
      case 'resetOrderGroup':
      case 'triggerOrderGroup':
      case 'deleteOrderGroup':
        return { ...c, seq, groupId: this.seq(c.groupId) };
      default:
        return seq === c.seq ? c : { ...c, seq };
    }
  }
}
