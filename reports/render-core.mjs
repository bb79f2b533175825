// The rendering steps, in plain JavaScript so that the render worker (render-worker.mjs) runs
// them without the TypeScript loader: under tsx, loading vega's forty-odd ES modules costs twice
// the CPU time it does in plain Node. render.ts (in-process) and the worker share this one copy.
// Types: render-core.d.mts.
import { existsSync } from 'node:fs';

/** Font files tried in order; the first family with its regular face installed is used. */
const FONT_FAMILIES = [
  { family: 'DejaVu Sans', files: ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'] },
  { family: 'Liberation Sans', files: ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'] },
];

export function chartFont() {
  for (const { family, files } of FONT_FAMILIES) {
    if (!existsSync(files[0])) continue;
    return { family, files: files.filter((file) => existsSync(file)) };
  }
  return null;
}

let libraries = null;

/** vega, vega-lite and resvg, loaded once per thread on first use. */
export function loadRenderLibraries() {
  libraries ??= Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]).then(([vega, vegaLite, resvg]) => ({ vega, vegaLite, resvg }));
  return libraries;
}

/**
 * vega numbers gradient and clip-path ids from a counter that lives as long as the thread, so the
 * second chart rendered gets `gradient_1` where the first got `gradient_0`. Renumbered in order
 * of appearance, per prefix, so a spec renders to the same bytes wherever it is rendered.
 */
export function renumberIds(svg) {
  const renamed = new Map();
  const counts = new Map();
  for (const match of svg.matchAll(/\bid="([A-Za-z]+_?)(\d+)"/g)) {
    const id = `${match[1]}${match[2]}`;
    if (renamed.has(id)) continue;
    const next = counts.get(match[1]) ?? 0;
    counts.set(match[1], next + 1);
    renamed.set(id, `${match[1]}${next}`);
  }
  if (renamed.size === 0) return svg;
  return svg.replace(/(\bid="|url\(#|href="#)([A-Za-z]+_?\d+)\b/g, (whole, lead, id) => {
    const name = renamed.get(id);
    return name === undefined ? whole : `${lead}${name}`;
  });
}

function collectingLogger(warnings) {
  let level = 2;
  const logger = {
    level(value) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args) {
      warnings.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn(...args) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/** The chart as an SVG document (white background), and what vega-lite and vega warned. */
export async function specToSvg(spec) {
  const { vega, vegaLite } = await loadRenderLibraries();
  const warnings = [];
  const logger = collectingLogger(warnings);
  const compiled = vegaLite.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse({ ...compiled, background: 'white' }), { renderer: 'none', logger });
  try {
    return { svg: renumberIds(await view.toSVG()), warnings };
  } finally {
    view.finalize();
  }
}

/** The SVG as PNG bytes at `scale` times its size, text in chartFont() (system fonts without). */
export async function svgToPngBytes(svg, scale) {
  const { resvg } = await loadRenderLibraries();
  const font = chartFont();
  const fontOptions = font === null ? { loadSystemFonts: true } : { loadSystemFonts: false, fontFiles: font.files, defaultFontFamily: font.family, sansSerifFamily: font.family };
  const image = await resvg.renderAsync(svg, { font: fontOptions, fitTo: { mode: 'zoom', value: scale }, background: 'white' });
  return image.asPng();
}
