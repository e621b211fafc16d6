// Public surface of the exchange core.
export type * from './exchange-core.ts';
