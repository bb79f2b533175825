/**
 * A worker thread that renders charts for writeRunReport: it starts loading vega, vega-lite and
 * resvg at once, while this thread reads the run folder and builds the specs, then renders each
 * spec it is sent to SVG and PNG (the steps of render-core.mjs, as render.ts runs them here).
 * The worker is plain JavaScript without the TypeScript loader, where vega loads in half the
 * time. Results come back in the order asked for. `close()` ends the worker.
 */
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { PNG_SCALE, type RenderedSvg } from './render.ts';

export interface RenderedChart extends RenderedSvg {
  /** The PNG, or null when not asked for. */
  readonly png: Buffer | null;
}

interface Reply {
  readonly id: number;
  readonly svg?: string;
  readonly warnings?: string[];
  readonly png?: Uint8Array | null;
  readonly error?: string;
}

export class RenderPool {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (chart: RenderedChart) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor() {
    this.worker = new Worker(new URL('./render-worker.mjs', import.meta.url));
    this.worker.on('message', (reply: Reply) => this.settle(reply));
    this.worker.on('error', (error: Error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`render worker exited (code ${code})`)));
  }

  /** Renders `spec` to SVG, and to PNG when `png` is true. */
  render(spec: TopLevelSpec, png: boolean): Promise<RenderedChart> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, spec, png, scale: PNG_SCALE });
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private settle(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    if (waiter === undefined) return;
    this.waiting.delete(reply.id);
    if (reply.error !== undefined) waiter.reject(new Error(`rendering a chart failed: ${reply.error}`));
    else waiter.resolve({ svg: reply.svg!, warnings: reply.warnings ?? [], png: reply.png ? Buffer.from(reply.png) : null });
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
