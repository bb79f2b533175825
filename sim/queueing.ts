/**
 * Closed-form queueing results the simulator is validated against (shared/reference/queueing.md):
 * Erlang C through the stable Erlang B recursion, the M/M/c FIFO wait, and the two-class
 * non-preemptive priority M/M/c waits with equal service rates (Cobham 1954). Times are in
 * whatever unit the rates use (here: seconds).
 */

export interface PriorityQueueModel {
  /** Number of servers (GPUs). */
  readonly servers: number;
  /** Service rate per server (1 / mean GPU time). */
  readonly serviceRate: number;
  /** Arrival rate of the high-priority class (fast + turbo). */
  readonly fastRate: number;
  /** Arrival rate of the low-priority class (relax). */
  readonly relaxRate: number;
}

export interface PriorityWaits {
  /** Probability an arrival waits (Erlang C). */
  readonly erlangC: number;
  /** Mean wait in queue of a FIFO M/M/c with the same total load. */
  readonly fifoWait: number;
  readonly fastWait: number;
  readonly relaxWait: number;
  /** Utilisation a / c. */
  readonly utilisation: number;
}

/** Erlang B(c, a) by the recursion B(0) = 1, B(n) = a B(n-1) / (n + a B(n-1)). */
export function erlangB(servers: number, offeredLoad: number): number {
  let b = 1;
  for (let n = 1; n <= servers; n += 1) b = (offeredLoad * b) / (n + offeredLoad * b);
  return b;
}

/** Erlang C(c, a) = B / (1 - rho (1 - B)). */
export function erlangC(servers: number, offeredLoad: number): number {
  const rho = offeredLoad / servers;
  if (rho >= 1) return 1;
  const b = erlangB(servers, offeredLoad);
  return b / (1 - rho * (1 - b));
}

/** Mean waits of the two-class non-preemptive priority M/M/c queue (equal service rates). */
export function priorityWaits(model: PriorityQueueModel): PriorityWaits {
  const { servers, serviceRate, fastRate, relaxRate } = model;
  const totalRate = fastRate + relaxRate;
  const offeredLoad = totalRate / serviceRate;
  const utilisation = offeredLoad / servers;
  if (utilisation >= 1) throw new Error(`unstable queue: utilisation ${utilisation.toFixed(3)} >= 1`);
  const c = erlangC(servers, offeredLoad);
  const w0 = c / (servers * serviceRate);
  const sigma1 = fastRate / (servers * serviceRate);
  const sigma2 = totalRate / (servers * serviceRate);
  return {
    erlangC: c,
    fifoWait: c / (servers * serviceRate - totalRate),
    fastWait: w0 / (1 - sigma1),
    relaxWait: w0 / ((1 - sigma1) * (1 - sigma2)),
    utilisation,
  };
}
