// The native API's messages in one place: the JSON Schema (TypeBox) of every request body, query and
// response, and the TypeScript type of each. The gateway validates and documents with the schemas;
// the SDK, the web UI, the Kalshi adapter and the bots use the types, so a message has one home.

export * from './admin.ts';
export * from './history.ts';
export * from './auth.ts';
export type * from './market-messages.ts';
export * from './markets.ts';
export * from './news.ts';
export * from './orders.ts';
export * from './performance.ts';
export * from './portfolio.ts';
export * from './preferences.ts';
export * from './primitives.ts';
export * from './surveillance.ts';
export * from './reports.ts';
export * from './sandbox.ts';
export * from './user-alerts.ts';
export * from './sandbox-scenario.ts';
export * from './conformance.ts';
