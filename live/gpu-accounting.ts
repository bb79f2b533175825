/**
 * GPU time from NVIDIA's accounting, where a GPU is present: `nvidia-smi -L` lists the GPUs, and
 * `nvidia-smi --query-accounted-apps=pid,time --format=csv,noheader,nounits` gives, per process
 * that ran on a GPU, its GPU time in ms (accounting mode must be on: `nvidia-smi -am 1`). The
 * executor bills a job the accounted time of its process, and falls back to the wall time when
 * the process is not listed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** True when `nvidiaSmi -L` runs and lists at least one GPU. */
export async function gpuPresent(nvidiaSmi: string): Promise<boolean> {
  try {
    const { stdout } = await run(nvidiaSmi, ['-L'], { timeout: 5_000 });
    return /^GPU \d+/m.test(stdout);
  } catch {
    return false;
  }
}

/** Accounted GPU time per pid, ms, from the CSV nvidia-smi prints. */
export function parseAccountedApps(csv: string): Map<number, number> {
  const times = new Map<number, number>();
  for (const line of csv.split('\n')) {
    const [pidText, timeText] = line.split(',').map((part) => part.trim());
    const pid = Number(pidText);
    const ms = Number(timeText);
    if (pidText && timeText && Number.isSafeInteger(pid) && Number.isFinite(ms) && ms >= 0) times.set(pid, (times.get(pid) ?? 0) + Math.round(ms));
  }
  return times;
}

/** The accounted GPU time of `pid`, ms, or null when nvidia-smi does not list it. */
export async function accountedGpuMs(nvidiaSmi: string, pid: number): Promise<number | null> {
  try {
    const { stdout } = await run(nvidiaSmi, ['--query-accounted-apps=pid,time', '--format=csv,noheader,nounits'], { timeout: 5_000 });
    return parseAccountedApps(stdout).get(pid) ?? null;
  } catch {
    return null;
  }
}
