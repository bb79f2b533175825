import { describe, expect, it } from 'vitest';
import { readRunFolder } from '../run-folder.ts';
import { TINY_RUN, contractRunCopy } from '../test/contract-folder.ts';
import { CHART_NAMES, buildCharts } from './build-charts.ts';

describe('buildCharts', () => {
  it('leaves out, with a note, the charts whose inputs an older run folder lacks', () => {
    const built = buildCharts(readRunFolder(TINY_RUN));
    expect(built.charts.map((chart) => chart.name)).toEqual(['revenue-by-line', 'gross-margin', 'queues-and-utilization', 'exhaustion-curve', 'plan-flows']);
    expect(built.notes).toEqual([expect.stringMatching(/^Waits by hour of day: not drawn, the run folder has no waits\.csv/), expect.stringMatching(/^Blocked requests by reason: not drawn/)]);
  });

  it('draws every chart, in report order, when the run has every output', () => {
    const built = buildCharts(readRunFolder(contractRunCopy()));
    expect(built.charts.map((chart) => chart.name)).toEqual([...CHART_NAMES]);
    expect(built.notes).toEqual([]);
  });

  it('is pure: the same folder gives the same specs', () => {
    const folder = readRunFolder(TINY_RUN);
    expect(JSON.stringify(buildCharts(folder))).toBe(JSON.stringify(buildCharts(folder)));
  });
});
