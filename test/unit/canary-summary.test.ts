// The canary report as the job summary shows it: both versions, each gate's verdict, what
// stopped the release, too little traffic said, user text escaped.
import { describe, expect, it } from 'vitest';
import type { VersionMetrics } from '../../src/gates/metrics.ts';
import { canaryReport } from '../../src/gates/report.ts';
import { canarySection } from '../../src/report/canary.ts';
import { gates } from '../gates-fixtures.ts';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 6, 12, 0);
const window = { startMs: T0, endMs: T0 + 10 * MIN };

function version(v: string, requests: number, errors: number, p99: number): VersionMetrics {
  return {
    version: v,
    requests,
    errors,
    ...(requests ? { errorRate: (100 * errors) / requests } : {}),
    throttles: 0,
    ...(requests ? { avgDuration: p99 / 3 } : {}),
    percentiles: requests ? { p99 } : {},
  };
}

const series = (id: string, values: number[]) => ({
  id,
  timestamps: values.map((_, i) => T0 + i * MIN),
  values,
});

function render(o: { newReq: number; newErr: number; fired?: string[]; input?: string }) {
  const g = gates(o.input ?? 'error-rate < 1%\np99-duration < 800ms');
  const names = g.map((_, i) => `lgr-gate/orders/live/v8/${i + 1}-x`);
  const values = {
    newVersion: version('8', o.newReq, o.newErr, 420),
    previousVersion: version('7', 5000, 5, 300),
    gateSeries: o.newReq
      ? [series('g0', [20, 19, 21]), series('g1', [400, 420, 410]), undefined]
      : [undefined, undefined, undefined],
  };
  return canarySection(canaryReport(g, names, values, window, o.fired)).join('\n');
}

describe('canarySection', () => {
  it('is empty without gates', () => {
    expect(canarySection(undefined)).toEqual([]);
  });

  it('shows both versions and names the gate that stopped the release', () => {
    const md = render({ newReq: 600, newErr: 120, fired: ['lgr-gate/orders/live/v8/1-x'] });
    expect(md).toContain('| metric | new (v8) | previous (v7) |');
    expect(md).toContain('| requests | 600 | 5000 |');
    expect(md).toContain('| error rate | 20% | 0.1% |');
    expect(md).toContain('| p99 duration | 420 ms | 300 ms |');
    expect(md).toMatch(/\| `error-rate < 1%` \| 1% \| 20% \| ❌ fail \(stopped the release\) \|/);
    expect(md).toMatch(/\| `p99-duration < 800ms` \| 800 ms \| 420 ms \| ✅ pass \|/);
    expect(md).toContain('The gate `error-rate < 1%` stopped the release');
    expect(md).not.toMatch(/too few/);
  });

  it('says when the new version had no traffic and which gate never had data', () => {
    const md = render({ newReq: 0, newErr: 0 });
    expect(md).toMatch(/served \*\*no\*\* requests/);
    expect(md).toContain('The gate `error-rate < 1%` never had data');
    expect(md).toMatch(/\| `p99-duration < 800ms` \| 800 ms \| no data \| ⚪ no data \|/);
  });

  it('says when the new version had too little traffic', () => {
    expect(render({ newReq: 12, newErr: 0 })).toMatch(/served only 12 requests.*too few/);
  });

  it('escapes what came from AWS', () => {
    const g = gates('error-rate < 1%');
    const values = { newVersion: version('*8*|x', 600, 0, 300), gateSeries: [undefined] };
    const md = canarySection(canaryReport(g, ['a'], values, window)).join('\n');
    expect(md).toContain('new (\\*8\\*\\|x)');
  });
});
