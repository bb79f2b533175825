/**
 * The executor config (YAML, default live/executor.yaml): the fleet's GPU slots and, per catalog
 * job type, the command that runs it: argv with placeholders, a timeout and the GPU slots one job
 * occupies. Placeholders: {node} (this Node binary), {job_id}, {output} (<data>/outputs/<job>.png),
 * {data}, {param.NAME} (the request's `params.NAME`, else the job type's default `params`).
 * `gpu_argv`, when given, is what runs where an NVIDIA GPU is present (`nvidia-smi -L` lists one);
 * its GPU time is then read from nvidia-smi's accounting, else the process's wall time is billed.
 * Validated with the YAML layer's schema reader: every problem with its line, exit 2.
 */
import { z } from 'zod';
import { InputError } from '../scenarios/errors.ts';
import { loadYaml } from '../scenarios/yaml-load.ts';
import type { Catalog } from '../engine/index.ts';

const PARAM_VALUE = z.string().max(200).regex(/^[A-Za-z0-9_.:-]*$/, 'params are letters, digits, _ . : -');

const jobCommandSchema = z.strictObject({
  argv: z.array(z.string().min(1)).min(1),
  timeout_seconds: z.number().positive().max(86_400),
  gpu_slots: z.number().int().min(1).max(64).default(1),
  /** The command run instead of argv where an NVIDIA GPU is present; its GPU time comes from nvidia-smi accounting. */
  gpu_argv: z.array(z.string().min(1)).min(1).optional(),
  params: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/), PARAM_VALUE).default({}),
});

export const executorConfigSchema = z.strictObject({
  gpu_slots: z.number().int().min(1).max(1024),
  job_types: z.record(z.string(), jobCommandSchema),
});

export type ExecutorConfig = z.output<typeof executorConfigSchema>;
export type JobCommand = z.output<typeof jobCommandSchema>;

export const DEFAULT_EXECUTOR_CONFIG = new URL('./executor.yaml', import.meta.url);

/** Reads the config and checks it covers every job type of the catalog within the fleet's slots. */
export function loadExecutorConfig(file: string, catalog: Catalog): ExecutorConfig {
  const config = loadYaml(file, executorConfigSchema);
  const issues = [];
  for (const jobType of catalog.jobTypes.keys()) {
    const command = config.job_types[jobType];
    if (command === undefined) issues.push({ file, path: `job_types.${jobType}`, message: `the catalog's job type ${jobType} has no command` });
    else if (command.gpu_slots > config.gpu_slots) issues.push({ file, path: `job_types.${jobType}.gpu_slots`, message: `needs ${command.gpu_slots} GPU slots; the fleet has ${config.gpu_slots}` });
  }
  if (issues.length > 0) throw new InputError(issues);
  return config;
}

/** A request's params, checked: only names the job type declares, values of the safe alphabet. */
export function checkParams(command: JobCommand, params: Readonly<Record<string, unknown>>): string | null {
  for (const [name, value] of Object.entries(params)) {
    if (!(name in command.params)) return `params.${name} is not a parameter of this job type (known: ${Object.keys(command.params).join(', ') || 'none'})`;
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !PARAM_VALUE.safeParse(text).success) return `params.${name} must be a short string of letters, digits, _ . : -`;
  }
  return null;
}

/** The argv with its placeholders filled. */
export function commandArgv(command: JobCommand, values: { jobId: string; output: string; data: string; params: Readonly<Record<string, unknown>> }, onGpu = false): string[] {
  return (onGpu && command.gpu_argv ? command.gpu_argv : command.argv).map((part) =>
    part.replace(/\{([a-z_.]+)\}/g, (whole, name: string) => {
      if (name === 'node') return process.execPath;
      if (name === 'job_id') return values.jobId;
      if (name === 'output') return values.output;
      if (name === 'data') return values.data;
      if (name.startsWith('param.')) {
        const key = name.slice(6);
        const given = values.params[key];
        return given === undefined ? (command.params[key] ?? '') : String(given);
      }
      return whole;
    }),
  );
}
