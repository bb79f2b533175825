/**
 * The engine driven by account handle: the fast path beside the plain one (`accountOf`, `submit`,
 * `complete`, `dispatchHeld`), for drivers that hold millions of accounts and send millions of jobs
 * (the re-rater, the benchmarks).
 *
 * A handle (`handleOf`, stable for the engine's lifetime) indexes the account's records in the
 * AccountStore; the by-handle calls read and write those records and touch the account object only
 * when a renewal, an expiry or the end of the head lot needs it. Each call makes the same decision
 * and the same change as its plain counterpart, which is what the tests hold it to.
 * `warmAccounts` brings the records of the jobs to come into cache ahead of them.
 *
 * The functions live beside their plain counterparts (they share the record-level code); this
 * module names them as one group.
 */
export { handleOf, warmAccounts } from './engine.ts';
export { dispatchHeldByHandle, submitByHandle } from './router.ts';
export { chargeCompletionByHandle, chargeMeteredByHandle, completeByHandle } from './usage.ts';
