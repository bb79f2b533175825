import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, priorityWaits } from './queueing.ts';

describe('queueing formulas', () => {
  it('reproduces the worked example of the reference (c = 8, 30 s, fast 0.50, relax 0.35)', () => {
    const serviceRate = 1 / 30;
    const waits = priorityWaits({ servers: 8, serviceRate, fastRate: 0.5 * 8 * serviceRate, relaxRate: 0.35 * 8 * serviceRate });
    expect(waits.erlangC).toBeCloseTo(0.572569, 5);
    expect(waits.fifoWait).toBeCloseTo(14.314, 3);
    expect(waits.fastWait).toBeCloseTo(4.294, 3);
    expect(waits.relaxWait).toBeCloseTo(28.628, 3);
  });

  it("obeys Kleinrock's conservation law", () => {
    const serviceRate = 1 / 45;
    const model = { servers: 32, serviceRate, fastRate: 0.3, relaxRate: 0.25 };
    const waits = priorityWaits(model);
    const weighted = (model.fastRate * waits.fastWait + model.relaxRate * waits.relaxWait) / (model.fastRate + model.relaxRate);
    expect(weighted).toBeCloseTo(waits.fifoWait, 9);
  });

  it('Erlang B and C at one server match M/M/1 (B = a/(1+a), C = rho)', () => {
    expect(erlangB(1, 0.6)).toBeCloseTo(0.6 / 1.6, 12);
    expect(erlangC(1, 0.6)).toBeCloseTo(0.6, 12);
  });

  it('refuses an unstable load', () => {
    expect(() => priorityWaits({ servers: 2, serviceRate: 1, fastRate: 1.5, relaxRate: 0.6 })).toThrow(/unstable/);
  });
});
