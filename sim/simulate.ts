/**
 * The discrete-event simulation: synthetic arrivals drive the engine (every job is routed,
 * admitted, completed and metered by the same calls the live adapter makes) and a GPU fleet
 * (c servers, non-preemptive priority, Fast and Turbo before Relax).
 *
 * Total order of events: by instant; at one instant the event heap (completions, hour marks,
 * fleet changes, in scheduling order) goes first, then renewal decisions (in scheduling order),
 * then arrivals in generation order. Before anything happens at an instant the engine is ticked if
 * it has work due, so renewals and expiries always happen before the events that follow them.
 * Randomness comes from named streams (population, arrivals, durations, behaviour).
 *
 * A job: arrives -> route (blocked | Fast | Turbo | Relax) -> waits in its customer's own queue
 * if the per-user concurrency is full -> waits for a GPU in its class queue -> runs -> completes.
 * Its wait is start minus arrival. At the horizon every job is completed, blocked, or still in
 * the system (held, queued or running), and the run checks that.
 */
import {
  type Account,
  BLOCK_REASONS,
  type BlockReason,
  type Catalog,
  type EngineState,
  type Invoice,
  type JobRequest,
  MS_PER_DAY,
  MS_PER_HOUR,
  accountOf,
  buyTopup,
  canDispatch,
  cancelCustomer,
  changeCustomerPlan,
  complete,
  createEngine,
  dispatchHeld,
  fail,
  nextTickAt,
  previewInvoice,
  relaxAllowed,
  submit,
  tick,
} from '../engine/index.ts';
import { MODE_CODE, MODE_FAST, MODE_NAMES, MODE_RELAX, MODE_TURBO, segmentOffsets } from './arrivals.ts';
import { LocalArrivalFeed } from './arrival-feed.ts';
import { buysTopup, renewalChoice } from './behaviour.ts';
import { bookRevenue, recordClosedCycle } from './cycle-book.ts';
import { EventHeap } from './event-heap.ts';
import { bucketOf } from './histogram.ts';
import { Fleet } from './fleet.ts';
import { CustomerTable } from './customer-table.ts';
import { JobTable } from './job-table.ts';
import { type HourRow, Metrics, ValidationStats } from './metrics.ts';
import type { SimModel } from './model.ts';
import { customerId, customerIndex, populate } from './population.ts';
import { capacityAt, monthStarts } from './horizon.ts';
import type { CycleRow, JobRow, RunOutcome, RunProgress, RunSinks } from './run-outcome.ts';

export type { CycleRow, JobRow, RunOutcome, RunProgress, RunSinks };
export { capacityAt, monthStarts };
import { createStreams } from './random.ts';

const BLOCK_REASON_INDEX = Object.fromEntries(BLOCK_REASONS.map((reason, index) => [reason, index])) as Record<BlockReason, number>;

const COMPLETE = 0;
const DECIDE = 1;
const HOUR = 2;
const FLEET = 3;


/** Runs replication `replication` of the model. Deterministic for (model, seed, replication). */
export function simulate(model: SimModel, replication: number, sinks: RunSinks = {}): RunOutcome {
  return new Simulation(model, replication, sinks).run();
}

class Simulation {
  private readonly catalog: Catalog;
  private readonly engine: EngineState;
  private readonly streams;
  private readonly heap = new EventHeap(4096);
  /**
   * Renewal decisions (one per subscriber per cycle) wait in their own heap: with a million
   * subscribers it holds a million entries, and keeping them out of the job heap keeps every
   * completion's push and pop on a small, cache-resident heap.
   */
  private readonly decisions = new EventHeap(4096);
  private readonly fleet: Fleet;
  private readonly jobs = new JobTable();
  private readonly metrics: Metrics;
  private readonly months: number[];
  private accounts: Account[] = [];
  private customers = new CustomerTable(0);
  private heldCount = 0;
  private readonly requests: JobRequest[][];
  private readonly jobTypeIds: string[][];
  /** By segment and job type index: the share of jobs that fail. */
  private readonly failureRates: Float64Array[];
  /** Whether any job type fails at all (else completions skip the lookup). */
  private readonly failing: boolean;
  private readonly segmentStarts: number[];
  private lastAt: number;
  private hourIndex = 0;
  /** The row of the hour in progress, `metrics.hour(hourIndex)`. */
  private hourRow: HourRow;
  private monthIndex = 0;
  private jobCounter = 0;
  private purchaseCounter = 0;
  /** Reused for every completion (the engine copies what it keeps). */
  private readonly completedJob: { jobId: string; mode: 'fast' | 'turbo' | 'relax' } = { jobId: '', mode: 'fast' };
  /** Fast usage in the ledger of every cycle overlapping the horizon (prior usage included). */
  private ledgerFastMs = 0;
  private readonly validation: ValidationStats;

  constructor(
    private readonly model: SimModel,
    replication: number,
    private readonly sinks: RunSinks,
  ) {
    this.catalog = model.catalog;
    this.engine = createEngine(model.catalog);
    this.streams = createStreams(model.seed, replication);
    this.fleet = new Fleet(model.relaxOrder, model.fastReservedShare);
    this.months = monthStarts(model);
    this.validation = new ValidationStats(model.startAt + model.warmupMs, model.endAt);
    this.metrics = new Metrics(model.catalog.planList.map((plan) => plan.id), this.months.length, this.validation);
    this.hourRow = this.metrics.hour(0);
    this.requests = model.segments.map((segment) =>
      segment.jobTypeIds.flatMap((id) => MODE_NAMES.map((mode) => ({ jobType: model.catalog.jobTypes.get(id)!, mode }))),
    );
    this.jobTypeIds = model.segments.map((segment) => [...segment.jobTypeIds]);
    this.failureRates = model.segments.map((segment) => Float64Array.from(segment.jobTypeIds, (id) => model.failureRates.get(id) ?? 0));
    this.failing = this.failureRates.some((rates) => rates.some((rate) => rate > 0));
    this.segmentStarts = segmentOffsets(model.segments);
    this.lastAt = model.startAt;
  }

  run(): RunOutcome {
    const model = this.model;
    const population = populate(model, this.engine, this.streams.population, this.sinks.trace ?? null);
    const count = population.count;
    this.customers = new CustomerTable(count);
    this.accounts = Array.from({ length: count }, (_, index) => accountOf(this.engine, customerId(index)));
    for (let customer = 0; customer < count; customer += 1) {
      const account = this.accounts[customer]!;
      this.metrics.subscribersStart[account.plan!.rank]! += 1;
      this.scheduleDecision(customer, account);
    }
    for (let at = model.startAt; at < model.endAt; at += MS_PER_HOUR) this.heap.push(at + MS_PER_HOUR, HOUR, 0);
    this.fleet.setCapacity(capacityAt(model, model.startAt));
    this.hourRow.gpusEnd = this.fleet.capacity;
    for (const at of this.fleetChangeInstants()) this.heap.push(at, FLEET, 0);

    const firstDay = Math.floor(model.startAt / MS_PER_DAY) * MS_PER_DAY;
    const feed = this.sinks.arrivals?.(firstDay) ?? new LocalArrivalFeed(model, this.streams);
    for (let dayStart = firstDay; dayStart < model.endAt; dayStart += MS_PER_DAY) {
      const day = feed.day(dayStart);
      const dayEnd = Math.min(dayStart + MS_PER_DAY, model.endAt);
      let next = 0;
      for (;;) {
        const heapAt = this.heap.peekTime();
        const decisionAt = this.decisions.peekTime();
        const arrivalAt = next < day.count ? day.times[next]! : Number.POSITIVE_INFINITY;
        if (heapAt <= arrivalAt && heapAt <= decisionAt && heapAt < dayEnd) {
          this.handleHeapEvent(heapAt);
        } else if (decisionAt <= arrivalAt && decisionAt < dayEnd) {
          const customer = this.decisions.peekIndex();
          this.decisions.pop();
          this.catchUp(decisionAt);
          this.decideRenewal(customer, decisionAt);
        } else if (arrivalAt < Number.POSITIVE_INFINITY) {
          this.arrive(arrivalAt, day.customers[next]!, day.jobTypes[next]!, day.gpuMs[next]!, day.modes[next]!);
          next += 1;
        } else {
          break;
        }
      }
      this.sinks.progress?.({ day: Math.round((dayEnd - model.startAt) / MS_PER_DAY), days: Math.ceil((model.endAt - model.startAt) / MS_PER_DAY), jobs: this.metrics.arrivals });
    }
    feed.close();
    // Renewals due before the horizon's end happen, whether or not an event came after them.
    this.catchUp(model.endAt - 1);
    this.advanceClock(model.endAt);
    this.closeHour(model.endAt);
    return this.finish(population.priorUsageMs);
  }

  /** Instants the fleet's capacity may change (schedule steps, outage edges) within the horizon. */
  private fleetChangeInstants(): number[] {
    const instants = new Set<number>();
    for (const step of this.model.fleetSchedule) instants.add(step.at);
    for (const window of this.model.demand) {
      if (window.gpusLost > 0) {
        instants.add(window.fromAt);
        instants.add(window.toAt);
      }
    }
    return [...instants].filter((at) => at > this.model.startAt && at < this.model.endAt).sort((a, b) => a - b);
  }

  private catchUp(at: number): void {
    this.advanceClock(at);
    if (at >= nextTickAt(this.engine)) {
      for (const invoice of tick(this.engine, at).invoices) this.closedCycle(invoice, false);
    }
  }

  /** Integrates busy GPUs, capacity and queue lengths up to `at`. */
  private advanceClock(at: number): void {
    const elapsed = at - this.lastAt;
    if (elapsed <= 0) return;
    const fleet = this.fleet;
    const hour = this.hourRow;
    hour.busyMs += fleet.busy * elapsed;
    hour.capacityMs += fleet.capacity * elapsed;
    const validation = this.validation;
    const from = Math.max(this.lastAt, validation.fromAt);
    const to = Math.min(at, validation.toAt);
    if (to > from) {
      validation.fastQueueArea += fleet.fastQueue.size * (to - from);
      validation.relaxQueueArea += fleet.relaxQueued * (to - from);
    }
    this.lastAt = at;
  }

  private handleHeapEvent(at: number): void {
    const heap = this.heap;
    const kind = heap.peekKind();
    const index = heap.peekIndex();
    heap.pop();
    this.catchUp(at);
    if (kind === COMPLETE) this.completeJob(index, at);
    else if (kind === HOUR) this.closeHour(at);
    else if (kind === FLEET) {
      this.fleet.setCapacity(capacityAt(this.model, at));
      this.startJobs(at);
    }
  }

  private arrive(at: number, customer: number, jobTypeIndex: number, gpuMs: number, modeCode: number): void {
    this.catchUp(at);
    const metrics = this.metrics;
    metrics.arrivals += 1;
    const hour = this.hourRow;
    hour.arrivals += 1;
    const account = this.accounts[customer]!;
    const plan = account.plan;
    const jobNumber = this.jobCounter++;
    if (plan === null) {
      metrics.inactive += 1;
      return;
    }
    const segment = this.segmentOf(customer);
    let request = this.request(segment, jobTypeIndex, modeCode);
    // Relax by choice only where the plan offers it for this job type; elsewhere users send Fast.
    if (modeCode === MODE_RELAX && !relaxAllowed(this.catalog, plan, request.jobType)) request = this.request(segment, jobTypeIndex, MODE_FAST);
    let decision = submit(this.catalog, account, request, at);
    if (decision.mode === 'blocked' && decision.reason === 'fast_exhausted_no_relax') {
      if (this.maybeBuyTopup(customer, account, at)) decision = submit(this.catalog, account, request, at);
    } else if (decision.mode === 'relax' && decision.reason === 'fast_exhausted_relax') {
      this.maybeBuyTopup(customer, account, at);
    }
    const tier = plan.rank;
    const month = this.tierMonth(tier, at);
    if (decision.mode === 'blocked') {
      metrics.blocked += 1;
      hour.blocked += 1;
      month.blocked += 1;
      metrics.blockedByReason[tier]![BLOCK_REASON_INDEX[decision.reason as BlockReason]]! += 1;
      this.sinks.job?.({ jobNumber, customer, planId: plan.id, jobType: this.jobTypeIds[segment]![jobTypeIndex]!, mode: 'blocked', arrivalMs: at, startMs: null, endMs: null, gpuMs });
      return;
    }
    const jobs = this.jobs;
    const slot = jobs.allocate();
    jobs.number[slot] = jobNumber;
    jobs.arrivalAt[slot] = at;
    jobs.gpuMs[slot] = gpuMs;
    jobs.customer[slot] = customer;
    jobs.jobType[slot] = jobTypeIndex;
    jobs.tier[slot] = tier;
    jobs.nextHeld[slot] = -1;
    const mode = MODE_CODE[decision.mode];
    jobs.mode[slot] = mode;
    if (mode === MODE_RELAX) hour.relax += 1;
    else if (mode === MODE_TURBO) hour.turbo += 1;
    else hour.fast += 1;
    if (this.validation.batchOf(at) >= 0) {
      if (mode === MODE_RELAX) this.validation.relaxArrivals += 1;
      else this.validation.fastArrivals += 1;
    }
    if (decision.start === 'queued') {
      this.hold(customer, slot);
      return;
    }
    this.enqueue(slot, account, mode);
    this.startJobs(at);
  }

  private maybeBuyTopup(customer: number, account: Account, at: number): boolean {
    if (this.customers.topupDecided(customer)) return false;
    this.customers.markTopupDecided(customer);
    const plan = account.plan!;
    if (!buysTopup(this.model.behaviour, plan, this.streams.behaviour)) return false;
    const hours = this.model.behaviour.topupHours;
    const result = buyTopup(this.engine, customerId(customer), { purchaseId: `p${this.purchaseCounter++}`, hours }, at);
    if (!result.ok) return false;
    this.sinks.trace?.purchase(customerId(customer), hours, at);
    this.customers.addTopupHours(customer, hours);
    this.tierMonth(plan.rank, at).topupHours += hours;
    return true;
  }

  private hold(customer: number, slot: number): void {
    const tail = this.customers.heldTail(customer);
    if (tail === -1) this.customers.setHeldHead(customer, slot);
    else this.jobs.nextHeld[tail] = slot;
    this.customers.setHeldTail(customer, slot);
    this.heldCount += 1;
  }

  /** Dispatches the customer's held jobs that their concurrency now allows, in arrival order. */
  private releaseHeld(customer: number, account: Account): void {
    const jobs = this.jobs;
    let previous = -1;
    let slot = this.customers.heldHead(customer);
    while (slot !== -1) {
      const next = jobs.nextHeld[slot]!;
      const mode = jobs.mode[slot]!;
      const modeName = MODE_NAMES[mode]!;
      if (canDispatch(account, modeName)) {
        dispatchHeld(account, modeName);
        if (previous === -1) this.customers.setHeldHead(customer, next);
        else jobs.nextHeld[previous] = next;
        if (this.customers.heldTail(customer) === slot) this.customers.setHeldTail(customer, previous);
        this.heldCount -= 1;
        this.enqueue(slot, account, mode);
      } else {
        previous = slot;
      }
      slot = next;
    }
  }

  private enqueue(slot: number, account: Account, mode: number): void {
    if (mode === MODE_RELAX) {
      // Least Relax used first: the customer's Relax time this cycle when the job reaches the fleet.
      this.fleet.enqueueRelax(slot, account.usage.relaxMs);
    } else {
      this.fleet.fastQueue.push(slot);
    }
  }

  /** Starts jobs on free GPUs, Fast before Relax. */
  private startJobs(at: number): void {
    const fleet = this.fleet;
    const jobs = this.jobs;
    for (;;) {
      const slot = fleet.next();
      if (slot === -1) return;
      jobs.startAt[slot] = at;
      jobs.state[slot] = 2;
      const wait = at - jobs.arrivalAt[slot]!;
      const mode = jobs.mode[slot]!;
      const month = this.tierMonth(jobs.tier[slot]!, at);
      const hour = this.hourRow;
      const batch = this.validation.batchOf(jobs.arrivalAt[slot]!);
      const bucket = bucketOf(wait);
      const ofDay = this.metrics.tierHoursOfDay[jobs.tier[slot]!]!;
      const hourOfDay = Math.floor(at / MS_PER_HOUR) % 24;
      if (mode === MODE_RELAX) {
        month.relaxWaits.addInBucket(bucket, wait);
        ofDay.relax[hourOfDay]!.addInBucket(bucket, wait);
        hour.relaxWaitMsSum += wait;
        hour.relaxStarts += 1;
        const customer = jobs.customer[slot]!;
        this.customers.addRelaxWait(customer, wait);
        if (batch >= 0) {
          this.validation.relaxWaitSum[batch]! += wait;
          this.validation.relaxCount[batch]! += 1;
        }
      } else {
        month.fastWaits.addInBucket(bucket, wait);
        ofDay.fast[hourOfDay]!.addInBucket(bucket, wait);
        hour.fastWaitMsSum += wait;
        hour.fastStarts += 1;
        if (batch >= 0) {
          this.validation.fastWaitSum[batch]! += wait;
          this.validation.fastCount[batch]! += 1;
        }
      }
      this.heap.push(at + this.gpuHoldMs(mode, jobs.gpuMs[slot]!), COMPLETE, slot);
    }
  }

  private completeJob(slot: number, at: number): void {
    const jobs = this.jobs;
    const mode = jobs.mode[slot]!;
    const customer = jobs.customer[slot]!;
    const account = this.accounts[customer]!;
    const gpuMs = jobs.gpuMs[slot]!;
    this.fleet.release(mode === MODE_RELAX);
    const modeName = MODE_NAMES[mode]!;
    const jobNumber = jobs.number[slot]!;
    const job = this.completedJob;
    job.jobId = `j${jobNumber}`;
    job.mode = modeName;
    const metrics = this.metrics;
    const tier = jobs.tier[slot]!;
    const month = this.tierMonth(tier, at);
    if (this.failing && this.fails(customer, jobs.jobType[slot]!)) {
      // It held its GPU to the end and failed there: nothing is charged or sent.
      fail(this.catalog, account, job, at);
      metrics.failed += 1;
      month.failedJobs += 1;
      if (this.sinks.job) {
        this.sinks.job({
          jobNumber, customer, planId: this.catalog.planList[tier]!.id, jobType: this.jobTypeIds[this.segmentOf(customer)]![jobs.jobType[slot]!]!,
          mode: 'failed', arrivalMs: jobs.arrivalAt[slot]!, startMs: jobs.startAt[slot]!, endMs: at, gpuMs,
        });
      }
      this.afterJob(slot, customer, account, at);
      return;
    }
    const done = complete(this.catalog, account, job, gpuMs, at);
    metrics.completed += 1;
    if (done.usage !== null) {
      this.sinks.trace?.usage(done.usage);
      metrics.usageEvents += 1;
      metrics.meteredMs += done.chargedMs;
      if (account.plan === null) metrics.meteredWithoutPlanMs += done.chargedMs;
      if (mode === MODE_RELAX) metrics.relaxMetered += 1;
    }
    if (mode === MODE_RELAX) {
      month.gpuMsRelax += gpuMs;
      month.relaxJobs += 1;
    } else {
      month.gpuMsFast += this.gpuHoldMs(mode, gpuMs);
      month.fastChargedMs += done.chargedMs;
      month.fastJobs += 1;
    }
    if (this.sinks.job) {
      const segment = this.segmentOf(customer);
      this.sinks.job({
        jobNumber, customer, planId: this.catalog.planList[tier]!.id, jobType: this.jobTypeIds[segment]![jobs.jobType[slot]!]!,
        mode: modeName, arrivalMs: jobs.arrivalAt[slot]!, startMs: jobs.startAt[slot]!, endMs: at, gpuMs,
      });
    }
    this.afterJob(slot, customer, account, at);
  }

  /** Whether this customer's job of this type fails (a draw from the failures stream where its rate is not 0). */
  private fails(customer: number, jobTypeIndex: number): boolean {
    const rate = this.failureRates[this.segmentOf(customer)]![jobTypeIndex]!;
    return rate > 0 && this.streams.failures() < rate;
  }

  /** A job left the fleet: its slot is free, the customer's held jobs and the queues move on. */
  private afterJob(slot: number, customer: number, account: Account, at: number): void {
    this.jobs.release(slot);
    if (account.held > 0) this.releaseHeld(customer, account);
    this.startJobs(at);
  }

  /** The preallocated request for a segment's job type and mode code. */
  private request(segment: number, jobTypeIndex: number, modeCode: number): JobRequest {
    return this.requests[segment]![jobTypeIndex * MODE_NAMES.length + modeCode]!;
  }

  /** How long a job holds its GPU: its GPU time, divided by the speed-up for Turbo. */
  private gpuHoldMs(mode: number, gpuMs: number): number {
    return mode === MODE_TURBO ? Math.max(1, Math.round(gpuMs / this.model.turboSpeedup)) : gpuMs;
  }

  /** The segment of a customer (customers are numbered segment by segment). */
  private segmentOf(customer: number): number {
    const starts = this.segmentStarts;
    let segment = 0;
    while (segment + 1 < starts.length && customer >= starts[segment + 1]!) segment += 1;
    return segment;
  }

  private scheduleDecision(customer: number, account: Account): void {
    if (account.plan === null) return;
    const at = account.cycleEndAt - 1;
    if (at >= this.model.startAt && at < this.model.endAt) this.decisions.push(at, DECIDE, customer);
  }

  private decideRenewal(customer: number, at: number): void {
    const account = this.accounts[customer]!;
    if (account.plan === null || account.cycleEndAt - 1 !== at) return;
    const plan = account.plan;
    const choice = renewalChoice(this.catalog, this.model.behaviour, account, this.streams.behaviour);
    const month = this.tierMonth(plan.rank, at);
    const id = customerId(customer);
    if (choice.kind === 'churn') {
      cancelCustomer(this.engine, id, at);
      this.sinks.trace?.change(id, 'cancel', null, null, at);
      month.churned += 1;
      this.metrics.flows[plan.rank]![this.catalog.planList.length]! += 1;
    } else if (choice.kind === 'upgrade' || choice.kind === 'downgrade') {
      const result = changeCustomerPlan(this.engine, id, choice.plan.id, account.interval, at);
      if (!result.ok) return;
      this.sinks.trace?.change(id, choice.kind, choice.plan.id, account.interval, at);
      if (choice.kind === 'upgrade') month.upgrades += 1;
      else month.downgrades += 1;
      this.metrics.flows[plan.rank]![choice.plan.rank]! += 1;
    }
  }

  private closeHour(at: number): void {
    const hour = this.hourRow;
    hour.fastQueueEnd = this.fleet.fastQueue.size;
    hour.relaxQueueEnd = this.fleet.relaxQueued;
    hour.heldEnd = this.heldCount;
    this.hourIndex += 1;
    if (at < this.model.endAt) {
      this.hourRow = this.metrics.hour(this.hourIndex);
      this.hourRow.gpusEnd = this.fleet.capacity;
    }
  }

  private tierMonth(tier: number, at: number) {
    while (this.monthIndex + 1 < this.months.length && at >= this.months[this.monthIndex + 1]!) this.monthIndex += 1;
    return this.metrics.tierMonths[tier]![this.monthIndex]!;
  }

  private closedCycle(invoice: Invoice, open: boolean): void {
    this.sinks.trace?.invoice(invoice, open);
    if (invoice.periodEndAt <= this.model.startAt && !open) return;
    bookRevenue(this.model, this.metrics, this.months, invoice);
    this.ledgerFastMs += invoice.fastMs;
    const customer = customerIndex(invoice.customerId);
    const customers = this.customers;
    this.sinks.cycle?.({
      customer, invoice, open,
      topupHours: customers.topupHours(customer),
      relaxWaitMsSum: customers.relaxWaitSum(customer),
      relaxWaitCount: customers.relaxWaitCount(customer),
    });
    if (open) return;
    recordClosedCycle(this.model, this.metrics, invoice, customers.relaxWaitSum(customer), customers.relaxWaitCount(customer));
    customers.resetCycle(customer);
    this.scheduleDecision(customer, this.accounts[customer]!);
  }

  private finish(priorUsageMs: number): RunOutcome {
    const metrics = this.metrics;
    const model = this.model;
    for (let customer = 0; customer < this.accounts.length; customer += 1) {
      const account = this.accounts[customer]!;
      if (account.plan !== null) {
        metrics.subscribersEnd[account.plan.rank]! += 1;
        const open = previewInvoice(this.catalog, account, model.endAt);
        if (open !== null) this.closedCycle(open, true);
      }
    }
    for (const hour of metrics.hours) {
      metrics.busyMs += hour.busyMs;
      metrics.capacityMs += hour.capacityMs;
    }
    if (metrics.hours.length > Math.ceil((model.endAt - model.startAt) / MS_PER_HOUR)) metrics.hours.length = Math.ceil((model.endAt - model.startAt) / MS_PER_HOUR);
    const fleet = this.fleet;
    const running = fleet.busy;
    if (this.sinks.job) this.reportJobsInSystem();
    this.assertAccounted(this.heldCount, fleet.fastQueue.size, fleet.relaxQueued, running);
    return {
      metrics,
      held: this.heldCount,
      queuedFast: fleet.fastQueue.size,
      queuedRelax: fleet.relaxQueued,
      running,
      priorUsageMs,
      customers: this.accounts.length,
      monthStarts: this.months,
      ledgerFastMs: this.ledgerFastMs - priorUsageMs,
    };
  }

  /** Jobs still held, queued or running at the horizon: rows without an end. */
  private reportJobsInSystem(): void {
    const jobs = this.jobs;
    for (const slot of jobs.liveSlots()) {
      const customer = jobs.customer[slot]!;
      const mode = jobs.mode[slot]!;
      this.sinks.job!({
        jobNumber: jobs.number[slot]!, customer, planId: this.catalog.planList[jobs.tier[slot]!]!.id,
        jobType: this.jobTypeIds[this.segmentOf(customer)]![jobs.jobType[slot]!]!,
        mode: MODE_NAMES[mode]!,
        arrivalMs: jobs.arrivalAt[slot]!, startMs: jobs.state[slot] === 2 ? jobs.startAt[slot]! : null, endMs: null, gpuMs: jobs.gpuMs[slot]!,
      });
    }
  }

  /** Every arrival is completed, blocked, inactive, or still in the system. */
  private assertAccounted(held: number, queuedFast: number, queuedRelax: number, running: number): void {
    const metrics = this.metrics;
    const inSystem = held + queuedFast + queuedRelax + running;
    if (inSystem !== this.jobs.inUse) throw new Error(`simulate: ${this.jobs.inUse} job slots in use but ${inSystem} jobs in the system`);
    const accounted = metrics.completed + metrics.failed + metrics.blocked + metrics.inactive + inSystem;
    if (accounted !== metrics.arrivals) throw new Error(`simulate: ${metrics.arrivals} arrivals but ${accounted} accounted for`);
    if (metrics.relaxMetered !== 0) throw new Error(`simulate: ${metrics.relaxMetered} Relax completions were metered`);
  }
}
