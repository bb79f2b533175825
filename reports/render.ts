/**
 * Charts rendered headlessly: a Vega-Lite spec compiled by vega-lite and rendered by vega's
 * string SVG renderer (no browser, no canvas), then SVG to PNG by resvg (a Rust renderer shipped
 * as a prebuilt binary inside its npm optional package). vega, vega-lite and resvg are loaded on
 * first use, so a caller that skips charts never pays their start-up.
 *
 * Text: vega's SVG names the font family `sans-serif`; resvg maps it to DejaVu Sans or Liberation
 * Sans when one is installed (Debian: fonts-dejavu-core, fonts-liberation) and loads those files
 * only, which is faster than scanning every system font; otherwise it falls back to the system's
 * fonts, and `fontNote()` says so.
 */
import { existsSync } from 'node:fs';
import type { TopLevelSpec } from 'vega-lite';

/** Font files tried in order; the first family found with a regular face is used. */
const FONT_FAMILIES = [
  { family: 'DejaVu Sans', files: ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'] },
  { family: 'Liberation Sans', files: ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'] },
] as const;

export interface ChartFont {
  readonly family: string;
  readonly files: readonly string[];
}

/** The font PNGs are drawn with, or null when none of FONT_FAMILIES is installed. */
export function chartFont(): ChartFont | null {
  for (const { family, files } of FONT_FAMILIES) {
    const present = files.filter((file) => existsSync(file));
    if (present.length > 0 && present[0] === files[0]) return { family, files: present };
  }
  return null;
}

/** A note for the report when PNG text depends on whatever fonts the system has. */
export function fontNote(): string | null {
  return chartFont() === null
    ? 'Neither DejaVu Sans nor Liberation Sans is installed: PNG text uses the system fonts, if any (Debian: apt-get install fonts-dejavu-core).'
    : null;
}

type Libraries = { vega: typeof import('vega'); vegaLite: typeof import('vega-lite'); resvg: typeof import('@resvg/resvg-js') };
let libraries: Promise<Libraries> | null = null;

function loadLibraries(): Promise<Libraries> {
  libraries ??= Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]).then(([vega, vegaLite, resvg]) => ({ vega, vegaLite, resvg }));
  return libraries;
}

export interface RenderedSvg {
  readonly svg: string;
  /** Warnings vega-lite or vega logged while compiling and rendering (none for a sound spec). */
  readonly warnings: readonly string[];
}

function collectingLogger(warnings: string[]) {
  let level = 2;
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      warnings.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/**
 * vega numbers gradient and clip-path ids from a counter that lives as long as the process, so
 * the second chart rendered gets `gradient_1` where the first got `gradient_0`. Renumbered here
 * in order of appearance, per prefix, so a spec renders to the same bytes in any process.
 */
export function renumberIds(svg: string): string {
  const renamed = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const match of svg.matchAll(/\bid="([A-Za-z]+_?)(\d+)"/g)) {
    const [id, prefix] = [`${match[1]}${match[2]}`, match[1]!];
    if (renamed.has(id)) continue;
    const next = counts.get(prefix) ?? 0;
    counts.set(prefix, next + 1);
    renamed.set(id, `${prefix}${next}`);
  }
  if (renamed.size === 0) return svg;
  return svg.replace(/(\bid="|url\(#|href="#)([A-Za-z]+_?\d+)\b/g, (whole, lead: string, id: string) => {
    const name = renamed.get(id);
    return name === undefined ? whole : `${lead}${name}`;
  });
}

/** The chart as an SVG document (white background). */
export async function renderSvg(spec: TopLevelSpec): Promise<RenderedSvg> {
  const { vega, vegaLite } = await loadLibraries();
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const compiled = vegaLite.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse({ ...compiled, background: 'white' }), { renderer: 'none', logger });
  try {
    const svg = renumberIds(await view.toSVG());
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}

/**
 * The SVG as a PNG, `scale` times its size (2 by default, for sharp text on screens). resvg
 * renders on a worker thread of its own, so a caller can render the next chart's SVG meanwhile.
 */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  const { resvg } = await loadLibraries();
  const font = chartFont();
  const fontOptions = font === null ? { loadSystemFonts: true } : { loadSystemFonts: false, fontFiles: [...font.files], defaultFontFamily: font.family, sansSerifFamily: font.family };
  const image = await resvg.renderAsync(svg, { font: fontOptions, fitTo: { mode: 'zoom', value: scale }, background: 'white' });
  return image.asPng();
}
