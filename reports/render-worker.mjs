// The render worker (see render-pool.ts): renders the specs posted to it, one at a time, to SVG
// and (when asked) PNG, and posts each result back with its id. Plain JavaScript: worker threads
// start without the main thread's TypeScript loader, and vega loads twice as fast without it.
import { parentPort } from 'node:worker_threads';
import { loadRenderLibraries, specToSvg, svgToPngBytes } from './render-core.mjs';

loadRenderLibraries(); // start loading while the main thread reads the run folder

parentPort.on('message', async ({ id, spec, png, scale }) => {
  try {
    const { svg, warnings } = await specToSvg(spec);
    const image = png ? await svgToPngBytes(svg, scale) : null;
    parentPort.postMessage({ id, svg, warnings, png: image });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
