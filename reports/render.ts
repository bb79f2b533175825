/**
 * Charts rendered headlessly, in this thread: a Vega-Lite spec compiled by vega-lite and rendered
 * by vega's string SVG renderer (no browser, no canvas), then SVG to PNG by resvg (a Rust renderer
 * shipped as a prebuilt binary inside its npm optional package). This is the plain path;
 * render-pool.ts runs the same steps (render-core.mjs) on a worker thread for writeRunReport.
 * vega, vega-lite and resvg are loaded on first use, so a caller that skips charts never pays
 * their start-up.
 *
 * Text: vega's SVG names the font family `sans-serif`; resvg maps it to DejaVu Sans or Liberation
 * Sans when one is installed (Debian: fonts-dejavu-core, fonts-liberation) and loads those files
 * only, which is faster than scanning every system font; otherwise it falls back to the system's
 * fonts, and `fontNote()` says so.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartFont, renumberIds, specToSvg, svgToPngBytes } from './render-core.mjs';

export { chartFont, renumberIds };
export type { ChartFont } from './render-core.mjs';

/** PNGs are drawn at twice the SVG's size, for sharp text on screens. */
export const PNG_SCALE = 2;

/** A note for the report when PNG text depends on whatever fonts the system has. */
export function fontNote(): string | null {
  return chartFont() === null
    ? 'Neither DejaVu Sans nor Liberation Sans is installed: PNG text uses the system fonts, if any (Debian: apt-get install fonts-dejavu-core).'
    : null;
}

export interface RenderedSvg {
  readonly svg: string;
  /** Warnings vega-lite or vega logged while compiling and rendering (none for a sound spec). */
  readonly warnings: readonly string[];
}

/** The chart as an SVG document (white background). */
export function renderSvg(spec: TopLevelSpec): Promise<RenderedSvg> {
  return specToSvg(spec);
}

/** The SVG as a PNG, `scale` times its size. resvg renders on a thread of its own. */
export function svgToPng(svg: string, scale = PNG_SCALE): Promise<Buffer> {
  return svgToPngBytes(svg, scale);
}
