import { describe, expect, it } from 'vitest';
import { buildCharts } from './charts/build-charts.ts';
import { chartFont, renderSvg, renumberIds, svgToPng } from './render.ts';
import { RenderPool } from './render-pool.ts';
import { readRunFolder } from './run-folder.ts';
import { contractRunCopy } from './test/contract-folder.ts';

const CHARTS = buildCharts(readRunFolder(contractRunCopy())).charts;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height of a PNG from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const match = /<svg[^>]* width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg);
  if (match === null) throw new Error('no size on the svg element');
  return { width: Number(match[1]), height: Number(match[2]) };
}

describe('rendering', () => {
  it.each(CHARTS.map((chart) => [chart.name, chart] as const))('renders %s to an SVG with marks, text and no warnings', async (_name, chart) => {
    const { svg, warnings } = await renderSvg(chart.spec);
    expect(warnings).toEqual([]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/class="mark-(rect|line|area|rule|text|symbol)/);
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(10);
    expect(svg).toContain('<text');
    const size = svgSize(svg);
    expect(size.width).toBeGreaterThan(200);
    expect(size.height).toBeGreaterThan(150);
  });

  it('draws the PNG at twice the SVG size, white background', async () => {
    const { svg } = await renderSvg(CHARTS[0]!.spec);
    const png = await svgToPng(svg);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const size = svgSize(svg);
    expect(pngSize(png)).toEqual({ width: Math.round(size.width * 2), height: Math.round(size.height * 2) });
    expect(png.length).toBeGreaterThan(10_000);
    expect(pngSize(await svgToPng(svg, 1))).toEqual({ width: Math.round(size.width), height: Math.round(size.height) });
  });

  it('has a font for PNG text (Debian: fonts-dejavu-core or fonts-liberation)', () => {
    const font = chartFont();
    expect(font, 'no DejaVu Sans or Liberation Sans: apt-get install fonts-dejavu-core').not.toBeNull();
    expect(font!.files.length).toBeGreaterThan(0);
  });

  it('gives the same SVG for the same spec', async () => {
    const chart = CHARTS.find((candidate) => candidate.name === 'plan-flows')!;
    expect((await renderSvg(chart.spec)).svg).toBe((await renderSvg(chart.spec)).svg);
  });
});

describe('renumberIds', () => {
  it('numbers ids per prefix in order of appearance and follows every reference', () => {
    const svg = '<defs><linearGradient id="gradient_7"/><clipPath id="clip12"/><linearGradient id="gradient_3"/></defs><path fill="url(#gradient_7)" clip-path="url(#clip12)"/><use href="#gradient_3"/>';
    expect(renumberIds(svg)).toBe(
      '<defs><linearGradient id="gradient_0"/><clipPath id="clip0"/><linearGradient id="gradient_1"/></defs><path fill="url(#gradient_0)" clip-path="url(#clip0)"/><use href="#gradient_1"/>',
    );
  });
});

describe('the render worker', () => {
  it('gives the bytes the in-thread renderer gives, in the order asked', async () => {
    const pool = new RenderPool();
    try {
      const fromPool = await Promise.all(CHARTS.map((chart, index) => pool.render(chart.spec, index < 2)));
      for (const [index, chart] of CHARTS.entries()) {
        const here = await renderSvg(chart.spec);
        expect(fromPool[index]!.svg, chart.name).toBe(here.svg);
        expect(fromPool[index]!.warnings).toEqual([]);
        if (index < 2) expect(fromPool[index]!.png!.equals(await svgToPng(here.svg)), chart.name).toBe(true);
        else expect(fromPool[index]!.png).toBeNull();
      }
    } finally {
      await pool.close();
    }
  });

  it('rejects a spec that cannot be rendered, and goes on with the next', async () => {
    const pool = new RenderPool();
    try {
      await expect(pool.render({ mark: 'bar', data: { values: [] }, encoding: { x: { field: 'a', type: 'quantitative' } }, transform: [{ calculate: 'nope(', as: 'b' }] } as never, false)).rejects.toThrow(/rendering a chart failed/);
      expect((await pool.render(CHARTS[0]!.spec, false)).svg).toMatch(/^<svg/);
    } finally {
      await pool.close();
    }
  });
});
