// The executor on its own: queue order (Fast/Turbo before Relax, Relax by Relax time used), GPU
// slots, timeouts, and GPU time from nvidia-smi accounting where a GPU is present (a stand-in
// nvidia-smi script here) or the wall time otherwise.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { compileCatalog } from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { DEFAULT_EXECUTOR_CONFIG, type ExecutorConfig, commandArgv, loadExecutorConfig } from './executor-config.ts';
import { Executor, type JobOutcome, type ReadyJob, compareReady } from './executor.ts';
import { gpuPresent, parseAccountedApps } from './gpu-accounting.ts';

const sleep = (ms: number) => ['{node}', '-e', `setTimeout(() => {}, ${ms})`];

function job(jobId: string, mode: ReadyJob['mode'], priority: number, seq: number, jobType = 'a'): ReadyJob {
  return { jobId, customerId: 'c', jobType, mode, priority, seq, params: {} };
}

function run(config: ExecutorConfig, jobs: readonly ReadyJob[], nvidiaSmi: string | null = null) {
  const dir = mkdtempSync(join(tmpdir(), 'gbl-executor-'));
  const started: string[] = [];
  const finished = new Map<string, JobOutcome>();
  const executor = new Executor(config, dir, {
    started: async (ready) => void started.push(ready.jobId),
    finished: async (ready, outcome) => void finished.set(ready.jobId, outcome),
  }, Date.now, nvidiaSmi);
  for (const ready of jobs) executor.add(ready);
  return { dir, started, finished, executor };
}

describe('executor', () => {
  it('orders Fast and Turbo before Relax, Relax by Relax time used, then arrival', () => {
    const jobs = [job('r-heavy', 'relax', 9000, 1), job('f2', 'fast', 0, 5), job('r-light', 'relax', 10, 2), job('t1', 'turbo', 0, 3), job('f1', 'fast', 0, 4)];
    expect([...jobs].sort(compareReady).map((ready) => ready.jobId)).toEqual(['t1', 'f1', 'f2', 'r-light', 'r-heavy']);
  });

  it('runs no more than its GPU slots at once, best first; a timeout is a failure', async () => {
    const config: ExecutorConfig = { gpu_slots: 1, job_types: { a: { argv: sleep(150), timeout_seconds: 5, gpu_slots: 1, params: {} }, slow: { argv: sleep(5000), timeout_seconds: 0.2, gpu_slots: 1, params: {} } } };
    const { started, finished, executor } = run(config, [job('first', 'relax', 0, 1), job('relax', 'relax', 50, 2), job('fast', 'fast', 0, 3), job('hang', 'fast', 0, 4, 'slow')]);
    expect(executor.active).toBe(1);
    await executor.idle();
    expect(started).toEqual(['first', 'fast', 'hang', 'relax']);
    expect(finished.get('hang')).toMatchObject({ ok: false, error: 'timed out after 0.2 s' });
    expect(finished.get('fast')!.gpuMs).toBeGreaterThanOrEqual(150);
  });

  it('bills the accounted GPU time of gpu_argv where nvidia-smi lists a GPU', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gbl-nvidia-'));
    const fake = join(dir, 'nvidia-smi');
    writeFileSync(fake, `#!/bin/sh\nif [ "$1" = "-L" ]; then echo "GPU 0: Stand-in (UUID: GPU-0)"; exit 0; fi\necho "$(cat ${dir}/job.pid), 4321"\necho "1, 99"\n`);
    chmodSync(fake, 0o755);
    expect(await gpuPresent(fake)).toBe(true);
    expect(await gpuPresent(join(dir, 'absent'))).toBe(false);
    expect(parseAccountedApps('12, 30\n12, 5\nbad\n')).toEqual(new Map([[12, 35]]));
    const config: ExecutorConfig = { gpu_slots: 1, job_types: { a: { argv: sleep(10), gpu_argv: ['sh', '-c', `echo $$ > ${dir}/job.pid`], timeout_seconds: 5, gpu_slots: 1, params: {} } } };
    const onGpu = run(config, [job('g', 'fast', 0, 1)], fake);
    await onGpu.executor.idle();
    expect(onGpu.finished.get('g')).toMatchObject({ ok: true, gpuMs: 4321 });
    const noGpu = run(config, [job('w', 'fast', 0, 1)], null);
    await noGpu.executor.idle();
    expect(noGpu.finished.get('w')!.gpuMs).toBeLessThan(4321);
  });

  it('ships Stable Diffusion as the GPU command of image_grid and variation, with the job id as seed', () => {
    const catalog = compileCatalog(loadCatalog('scenarios/catalogs/midjourney.yaml').spec);
    const shipped = loadExecutorConfig(fileURLToPath(DEFAULT_EXECUTOR_CONFIG), catalog);
    const values = { jobId: 'job_1', output: '/o/job_1.png', data: '/o', params: { prompt: 'a_red_fox' } };
    expect(commandArgv(shipped.job_types.image_grid!, values, true)).toEqual(['python3', 'live/jobs/diffusion.py', '--grid', '--out', '/o/job_1.png', '--seed', 'job_1', '--width', '256', '--prompt', 'a_red_fox']);
    expect(commandArgv(shipped.job_types.variation!, { ...values, params: {} }, true)).toContain('a_lighthouse_on_a_cliff_at_dusk');
    expect(commandArgv(shipped.job_types.image_grid!, values, false)[0]).toBe(process.execPath); // no GPU: the sharp stand-in
  });

  it('fails the diffusion job clearly (exit 3, not billed) where torch is missing, and bad arguments with exit 2', () => {
    // A torch that cannot be imported, whatever this machine has installed.
    const fake = mkdtempSync(join(tmpdir(), 'gbl-no-torch-'));
    writeFileSync(join(fake, 'torch.py'), 'raise ImportError("No module named \'torch\'", name="torch")\n');
    const env = { ...process.env, PYTHONPATH: fake };
    const missing = spawnSync('python3', ['live/jobs/diffusion.py', '--out', join(fake, 'x.png'), '--seed', 'job_1'], { env, encoding: 'utf8' });
    expect(missing.status).toBe(3);
    expect(missing.stderr).toBe('diffusion job: torch is not installed (pip install torch diffusers transformers accelerate)\n');
    const bad = spawnSync('python3', ['live/jobs/diffusion.py', '--seed', 'job_1'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('the following arguments are required: --out');
  });
});
