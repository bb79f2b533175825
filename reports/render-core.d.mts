// Types of render-core.mjs (plain JavaScript, shared by render.ts and render-worker.mjs).
import type { TopLevelSpec } from 'vega-lite';

export interface ChartFont {
  readonly family: string;
  readonly files: readonly string[];
}

/** DejaVu Sans, else Liberation Sans, or null when neither is installed. */
export function chartFont(): ChartFont | null;
export function loadRenderLibraries(): Promise<unknown>;
export function renumberIds(svg: string): string;
export function specToSvg(spec: TopLevelSpec): Promise<{ svg: string; warnings: string[] }>;
export function svgToPngBytes(svg: string, scale: number): Promise<Buffer>;
