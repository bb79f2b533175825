/**
 * The engine's public surface: pure, deterministic metering, routing and rating for GPU-time
 * plans. No I/O, clock, randomness, async or logging: time, ids and events are inputs; decisions,
 * usage events and invoice lines are outputs. The simulator and the live adapter both drive it.
 */
export * from './catalog.ts';
export * from './money.ts';
export * from './calendar.ts';
export * from './meter.ts';
export * from './account.ts';
export { advance, feeTerm } from './ledger.ts';
export * from './invoice.ts';
export * from './router.ts';
export * from './usage.ts';
export * from './grants.ts';
export * from './subscription.ts';
export * from './engine.ts';
export * from './rerate.ts';
