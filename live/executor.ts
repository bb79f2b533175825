/**
 * The job executor: runs jobs the engine admitted on a fleet of `gpu_slots` GPU slots, in the
 * engine's queue order: Fast and Turbo before Relax, Relax by the customer's Relax time used this
 * cycle (less first), then by arrival. Each job type's command (executor-config.ts) runs as a
 * process. GPU time billed: where a GPU is present (`nvidiaSmi` set) and the job type has a
 * `gpu_argv`, that command runs and nvidia-smi's accounting gives its GPU time; otherwise, or when
 * the accounting does not list the process, its wall time. A non-zero exit, a
 * spawn failure or a timeout (the process is killed) is a failed job: the caller sends it through
 * the engine's failure path, which bills nothing.
 *
 * Per-customer concurrency is the engine's: only jobs it dispatched (`start: now`) come here; the
 * service moves held jobs in when the engine lets them start.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mode } from '../engine/index.ts';
import { type ExecutorConfig, commandArgv } from './executor-config.ts';
import { accountedGpuMs } from './gpu-accounting.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ReadyJob {
  readonly jobId: string;
  readonly customerId: string;
  readonly jobType: string;
  readonly mode: Mode;
  /** The router's priority: 0 for Fast/Turbo, Relax ms used this cycle for Relax. */
  readonly priority: number;
  /** Arrival order. */
  readonly seq: number;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface JobOutcome {
  readonly ok: boolean;
  readonly gpuMs: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly output: string | null;
  readonly error: string | null;
}

export interface ExecutorHooks {
  started(job: ReadyJob, at: number): Promise<void>;
  finished(job: ReadyJob, outcome: JobOutcome): Promise<void>;
}

/** Queue order: Fast/Turbo first, then Relax by priority, then arrival. */
export function compareReady(a: ReadyJob, b: ReadyJob): number {
  const classA = a.mode === 'relax' ? 1 : 0;
  const classB = b.mode === 'relax' ? 1 : 0;
  return classA - classB || a.priority - b.priority || a.seq - b.seq;
}

export class Executor {
  private readonly ready: ReadyJob[] = [];
  private readonly running = new Map<string, { job: ReadyJob; kill: (reason?: string) => void; done: Promise<void> }>();
  private slotsInUse = 0;
  private stopped = false;

  constructor(
    private readonly config: ExecutorConfig,
    private readonly dataDir: string,
    private readonly hooks: ExecutorHooks,
    private readonly now: () => number = Date.now,
    /** nvidia-smi's path when a GPU is present (see gpu-accounting.ts), else null. */
    private readonly nvidiaSmi: string | null = null,
  ) {
    mkdirSync(join(dataDir, 'outputs'), { recursive: true });
  }

  get queued(): number {
    return this.ready.length;
  }

  get active(): number {
    return this.running.size;
  }

  add(job: ReadyJob): void {
    let index = this.ready.length;
    while (index > 0 && compareReady(this.ready[index - 1]!, job) > 0) index -= 1;
    this.ready.splice(index, 0, job);
    this.pump();
  }

  /** Starts the best ready jobs while GPU slots are free (a job waits for the slots it needs). */
  pump(): void {
    while (!this.stopped && this.ready.length > 0) {
      const next = this.ready[0]!;
      const slots = this.config.job_types[next.jobType]?.gpu_slots ?? 1;
      if (this.slotsInUse + slots > this.config.gpu_slots) return;
      this.ready.shift();
      this.slotsInUse += slots;
      this.start(next, slots);
    }
  }

  private start(job: ReadyJob, slots: number): void {
    const command = this.config.job_types[job.jobType]!;
    const output = join(this.dataDir, 'outputs', `${job.jobId}.png`);
    const onGpu = this.nvidiaSmi !== null && command.gpu_argv !== undefined;
    const argv = commandArgv(command, { jobId: job.jobId, output, data: this.dataDir, params: job.params }, onGpu);
    const startedAt = this.now();
    const clock = performance.now();
    let killed = false;
    /** Why the job was stopped on purpose (a cancellation), which then is its error. */
    let stopReason: string | null = null;
    let kill = (): void => {
      killed = true; // stopped before its process started: it never will
    };
    const done = (async () => {
      await this.hooks.started(job, startedAt);
      let pid: number | undefined;
      const result = await new Promise<{ ok: boolean; error: string | null }>((resolve) => {
        if (killed) {
          resolve({ ok: false, error: 'stopped before it started' });
          return;
        }
        const child = spawn(argv[0]!, argv.slice(1), { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
        pid = child.pid;
        let stderr = '';
        let timedOut = false;
        child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-500)));
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, command.timeout_seconds * 1000);
        kill = () => child.kill('SIGKILL');
        child.on('error', (error) => {
          clearTimeout(timer);
          resolve({ ok: false, error: `could not start: ${error.message}` });
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          if (timedOut) resolve({ ok: false, error: `timed out after ${command.timeout_seconds} s` });
          else if (code === 0) resolve({ ok: true, error: null });
          else resolve({ ok: false, error: `exit ${code ?? signal}: ${stderr.trim().split('\n').pop() ?? ''}`.slice(0, 300) });
        });
      });
      const wallMs = Math.max(0, Math.round(performance.now() - clock));
      const accounted = onGpu && pid !== undefined ? await accountedGpuMs(this.nvidiaSmi!, pid) : null;
      const gpuMs = accounted ?? wallMs;
      const error = !result.ok && stopReason !== null ? stopReason : result.error;
      const outcome: JobOutcome = { ok: result.ok, gpuMs, startedAt, finishedAt: startedAt + wallMs, output: result.ok ? output : null, error };
      this.slotsInUse -= slots;
      try {
        await this.hooks.finished(job, outcome);
      } finally {
        this.running.delete(job.jobId); // after its completion is recorded: `idle` means settled
        this.pump();
      }
    })();
    this.running.set(job.jobId, {
      job,
      kill: (reason) => {
        stopReason = reason ?? null;
        kill();
      },
      done,
    });
  }

  /**
   * Takes a job back: one waiting for a GPU leaves the queue (`removed`: the caller fails it in
   * the engine); a running one is killed and finishes as failed with `reason` as its error, through
   * the `finished` hook (`killed`, with the promise of that). Null when the job is not here.
   */
  cancel(jobId: string, reason: string): { kind: 'removed'; job: ReadyJob } | { kind: 'killed'; done: Promise<void> } | null {
    const index = this.ready.findIndex((job) => job.jobId === jobId);
    if (index !== -1) {
      const [job] = this.ready.splice(index, 1);
      return { kind: 'removed', job: job! };
    }
    const entry = this.running.get(jobId);
    if (entry === undefined) return null;
    entry.kill(reason);
    return { kind: 'killed', done: entry.done };
  }

  /** Resolves when no job is ready or running. */
  async idle(): Promise<void> {
    while (this.running.size > 0 || (this.ready.length > 0 && !this.stopped)) {
      await Promise.all([...this.running.values()].map((entry) => entry.done));
      if (this.running.size === 0 && this.ready.length > 0) this.pump();
      if (this.running.size === 0) break;
    }
  }

  /** Stops starting jobs and kills the running ones (they finish as failed). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.running.values()) entry.kill();
    await Promise.all([...this.running.values()].map((entry) => entry.done.catch(() => {})));
  }
}
