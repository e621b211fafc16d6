// The exchange state machine (API outline; the implementation lands with the order book).
import type { Command } from './commands.ts';
import type { EngineEvent } from './events.ts';
import type {
  AccountView,
  BalanceView,
  BookView,
  EngineConfig,
  InstrumentView,
  OrderView,
  PositionView,
} from './views.ts';

export declare class Engine {
  constructor(config?: Partial<EngineConfig>);
  /** Applies one command; the returned array is reused and valid only until the next call. */
  apply(command: Command): readonly EngineEvent[];
  /** Canonical bytes of the whole state; `Engine.restore` rebuilds an identical engine from them. */
  snapshot(): Uint8Array;
  static restore(bytes: Uint8Array): Engine;
  /** Hex digest of the canonical snapshot: equal states ⇔ equal hashes. */
  stateHash(): string;
  /** `ts` of the last applied command (0 before any). */
  readonly lastSeq: number;
  readonly halted: boolean;
  readonly config: EngineConfig;
  account(accountId: number): AccountView | undefined;
  accounts(): AccountView[];
  balance(accountId: number, assetId: number): BalanceView;
  balances(accountId: number): BalanceView[];
  position(accountId: number, instrumentId: number): PositionView | undefined;
  positions(accountId: number): PositionView[];
  order(orderId: number): OrderView | undefined;
  openOrders(accountId: number, instrumentId?: number): OrderView[];
  book(instrumentId: number, depth?: number): BookView | undefined;
  instrument(instrumentId: number): InstrumentView | undefined;
  instruments(): InstrumentView[];
  assets(): { assetId: number; code: string; scale: number }[];
  /** Net external money per asset: deposits − withdrawals + transfers in − transfers out. */
  externalTotal(assetId: number): number;
}
