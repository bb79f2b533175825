/**
 * Progress on stderr, redrawn in place by cli-progress, and only when stderr is a terminal: piped
 * or redirected output stays clean. cli-progress because it redraws in place, throttles, computes
 * the ETA and restores the cursor; it also redraws from synchronous code (`synchronousUpdate`).
 */
import { MultiBar, Presets, SingleBar } from 'cli-progress';

export interface Progress {
  update(value: number, payload?: Record<string, unknown>): void;
  end(): void;
}

const SILENT: Progress = { update: () => {}, end: () => {} };

/** A bar to `total` with the given cli-progress format, or nothing off a terminal. */
export function terminalProgress(format: string, total: number, payload: Record<string, unknown> = {}): Progress {
  if (!process.stderr.isTTY) return SILENT;
  const bar = new SingleBar({ format, stream: process.stderr, clearOnComplete: true, hideCursor: true, fps: 5 }, Presets.legacy);
  bar.start(total, 0, payload);
  return {
    update: (value, more) => bar.update(value, more),
    end: () => bar.stop(),
  };
}

export interface ProgressGroup {
  /** A line of its own (e.g. one replication); `end` it when that part is done. */
  line(format: string, total: number, payload?: Record<string, unknown>): Progress;
  end(): void;
}

const SILENT_GROUP: ProgressGroup = { line: () => SILENT, end: () => {} };

/** Several lines redrawn together (cli-progress MultiBar), or nothing off a terminal. */
export function terminalProgressGroup(): ProgressGroup {
  if (!process.stderr.isTTY) return SILENT_GROUP;
  const group = new MultiBar({ stream: process.stderr, clearOnComplete: true, hideCursor: true, fps: 5 }, Presets.legacy);
  return {
    line(format, total, payload = {}) {
      const bar = group.create(total, 0, payload, { format });
      return { update: (value, more) => bar.update(value, more), end: () => group.remove(bar) };
    },
    end: () => group.stop(),
  };
}
