// The report of a release of several functions: the headline, the cause once, a row per
// entry, the traffic wave by wave, the canary reports, each entry folded; hostile names
// escaped; 25 entries of long content kept under GitHub's limit.
import { describe, expect, it } from 'vitest';
import type { EntryResult, FleetResult } from '../../src/release/result.ts';
import { fleetFailureMessage, fleetHeadline, renderFleetSummary } from '../../src/report/fleet.ts';
import { columnTimeline, MAX_COLUMNS } from '../../src/report/fleet-timeline.ts';
import { SUMMARY_LIMIT_BYTES, SUMMARY_MAX_BYTES } from '../../src/report/summary.ts';
import * as f from '../fixtures/fleet-outcomes.ts';
import { s } from '../fixtures/outcomes.ts';
import { cells, expectTablesIntact } from './table-cells.ts';

const CONTEXT = {
  serverUrl: 'https://github.com',
  repository: 'acme/orders',
  sha: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
};

interface Row {
  wave: string;
  region: string;
  fn: string;
  alias: string;
  deployment: string;
  outcome: string;
  took: string;
}

/** The entry table's rows, cells trimmed. */
function rows(md: string): Row[] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| Wave | Region |'));
  const out: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [, wave, region, fn, alias, deployment, outcome, took] = cells(line).map((c) => c.trim());
    out.push({ wave, region, fn, alias, deployment, outcome, took } as Row);
  }
  return out;
}

function render(fleet: FleetResult): string {
  const md = renderFleetSummary(fleet, CONTEXT);
  expectTablesIntact(md);
  return md;
}

const count = (md: string, text: string) => md.split(text).length - 1;
const folds = (md: string) =>
  [...md.matchAll(/<details><summary>([^<]*)<\/summary>/g)].map((m) => m[1]);

describe('renderFleetSummary: the facts of each outcome', () => {
  it('all succeed: one headline, a row per entry in wave order, the waves and bake, the gates', () => {
    const md = render(f.allSucceed);
    expect(md.split('\n')[0]).toBe('### ✅ Released 3 functions in 2 waves');
    // No cause: the table follows the headline.
    expect(md.split('\n')[2]).toMatch(/^\| Wave \| Region \|/);
    expect(rows(md).map((r) => [r.wave, r.region, r.alias, r.outcome, r.took])).toEqual([
      ['1', 'eu-west-1', '`live` v7 → v8', '✅ Released', '5 min 6 s'],
      ['1', 'eu-west-1', '`live` v7 → v8', '✅ Released', '5 min 10 s'],
      ['2', 'us-west-2', '`live` v7 → v8', '✅ Released', '5 min 10 s'],
    ]);
    expect(rows(md)[2]!.deployment).toBe(
      '[d-WEST0001](https://us-west-2.console.aws.amazon.com/codesuite/codedeploy/deployments/d-WEST0001?region=us-west-2)',
    );
    expect(md).toContain(
      'with a 10 min bake between waves. Started 12:00:00 UTC, took 20 min 40 s',
    );
    expect(md).toContain('**Wave 1**: started 12:00:20 UTC (+20 s), ended 12:05:30 UTC.');
    expect(md).toContain('Baked 10 min after wave 1, 12:05:30–12:15:30 UTC.');
    expect(md).toContain('**Wave 2**: started 12:15:30 UTC');
    // Two functions named orders-api: the traffic names each by its region.
    expect(md).toMatch(/\| 12:16:02 \| \+16 min 2 s \| `us-west-2\/orders-api` \| shift \|/);
    expect(md).toMatch(/\| 12:05:28 \| \+5 min 28 s \| `orders-worker` \| all traffic \|/);
    expect(md).toContain('#### Canary report: `eu-west-1/orders-worker:live`');
    expect(count(md, '#### Canary report')).toBe(1);
    expect(folds(md)).toEqual([
      'eu-west-1/orders-api:live: ✅ Released',
      'eu-west-1/orders-worker:live: ✅ Released',
      'us-west-2/orders-api:live: ✅ Released',
    ]);
    // Each fold counts as the table does; the commit is said once.
    expect(md).toContain('| 12:15:30 UTC | 5 min 10 s |');
    expect(count(md, '[1a2b3c4]')).toBe(1);
  });

  it('wave 2 fails: every alias back, the cause said once, each row says what became of it', () => {
    const md = render(f.wave2Fails);
    expect(md.split('\n')[0]).toBe(
      '### ↩️ Release of 3 functions in 2 waves rolled back — alarm `orders-api-west-5xx` at `us-west-2/orders-api:live`: every alias it moved is back on its previous version',
    );
    expect(md.split('\n')[2]).toMatch(
      /^\*\*Alarm \[`orders-api-west-5xx`\]\(.*\) fired after v8 had carried 10% of traffic for 48 s\.\*\*$/,
    );
    expect(count(md, 'fired after')).toBe(1);
    expect(rows(md).map((r) => [r.alias, r.outcome, r.took])).toEqual([
      ['`live` v7 → v8 → v7', '↩️ returned to v7', '5 min 5 s'],
      ['`live` v7 → v8 → v7', '↩️ returned to v7', '5 min 8 s'],
      ['`live` v7 → 10% v8 → v7', '↩️ Rolled back — alarm `orders-api-west-5xx`', '1 min 25 s'],
    ]);
    expect(md).toMatch(/\| 12:17:00 \| \+17 min \| `eu-west-1\/orders-api` \| rollback \|/);
    expect(md).toContain('**Wave 2**: started 12:15:30 UTC (+15 min 30 s), ended 12:16:55 UTC.');
  });

  it('a foreign move: the alias left alone is named in the headline, its row and the message', () => {
    const md = render(f.foreignMove);
    expect(md.split('\n')[0]).toContain(
      'failed — alarm `orders-api-west-5xx` at `us-west-2/orders-api:live`: 1 alias is NOT back on the previous version: `eu-west-1/orders-api:live`',
    );
    const api = rows(md)[0]!;
    expect(api.alias).toBe('`live` v7 → v8 → v9');
    expect(api.outcome).toBe(
      '⚠️ left: someone else moved alias live after this release put it on version 8; it is on v9',
    );
    expect(md).toMatch(/`eu-west-1\/orders-api` \| moved by someone else \|/);
    expect(rows(md)[1]!.outcome).toBe('↩️ returned to v7');
  });

  it('an alarm in the bake: its own sentence, the bake cut short, wave 2 never started', () => {
    const md = render(f.bakeAlarm);
    expect(md.split('\n')[0]).toBe(
      '### ↩️ Release of 3 functions in 2 waves rolled back — alarm `orders-worker-errors` at `eu-west-1/orders-worker:live`: every alias it moved is back on its previous version',
    );
    expect(md.split('\n')[2]).toBe(
      '**Alarm orders-worker-errors of eu-west-1/orders-worker:live went into ALARM during the 10-minute bake after wave 1.**',
    );
    expect(md).toContain('Baked 4 min 45 s of 10 min after wave 1, 12:05:30–12:10:15 UTC.');
    expect(rows(md).map((r) => r.outcome)).toEqual([
      '↩️ returned to v7',
      '↩️ returned to v7',
      '⏸️ not started',
    ]);
    expect(md).not.toContain('**Wave 2**');
  });

  it("each fold gives the entry's status in `releases`, not the release's", () => {
    const md = render(f.wave2Fails);
    expect(count(md, '| Status in `releases` | `returned` |')).toBe(2);
    expect(count(md, '| Status in `releases` | `stopped` |')).toBe(1);
    expect(md).not.toContain('Status output');
  });

  it('a cancel during wave 1: both stopped and back, wave 2 not started and not folded', () => {
    const md = render(f.cancelDuringWave1);
    expect(md.split('\n')[0]).toBe(
      '### ⏹️ Release of 3 functions in 2 waves cancelled: every alias it moved is back on its previous version',
    );
    expect(md).toContain('**The workflow run was cancelled.**');
    expect(rows(md).map((r) => [r.alias, r.outcome, r.took])).toEqual([
      ['`live` v7 → 10% v8 → v7', '⏹️ Cancelled — rolled back', '1 min 6 s'],
      ['`live` v7 → 10% v8 → v7', '⏹️ Cancelled — rolled back', '1 min 6 s'],
      ['`live` v7, not moved', '⏸️ not started', '—'],
    ]);
    expect(md).toContain('**Wave 1**: started 12:00:20 UTC (+20 s).');
    expect(md).not.toContain('**Wave 2**');
    expect(md).not.toContain('bake');
    expect(folds(md)).toHaveLength(2);
  });

  it('a refusal in preflight: no traffic moved, the fix once, the others not started', () => {
    const md = render(f.preflightRefusal);
    expect(md.split('\n')[0]).toBe(
      '### ⛔ Release of 3 functions in 2 waves not started — alias split at `eu-west-1/orders-worker:live`: no traffic moved',
    );
    expect(
      count(
        md,
        'aws lambda update-alias --function-name orders-worker --name live --function-version 7 --routing-config AdditionalVersionWeights={}',
      ),
    ).toBe(1);
    expect(rows(md).map((r) => [r.alias, r.deployment, r.outcome])).toEqual([
      ['`live` v7, not moved', '—', '⏸️ not started'],
      ['`live` 90% v7, 10% v8, not moved', '—', '⚠️ Traffic split 90/10 — action needed'],
      ['`live` v7, not moved', '—', '⏸️ not started'],
    ]);
    expect(md).not.toContain('#### Traffic');
    expect(md).not.toContain('prepared before wave 1');
    expect(folds(md)).toEqual([
      'eu-west-1/orders-worker:live: ⚠️ Traffic split 90/10 — action needed',
    ]);
  });

  it('a dry run: every entry planned, its plan folded, no traffic and no time taken', () => {
    const md = render(f.dryRun);
    expect(md.split('\n')[0]).toBe(
      '### 📝 Dry run: 3 functions in 2 waves planned, nothing changed',
    );
    expect(rows(md).map((r) => [r.alias, r.outcome, r.took])).toEqual(
      Array(3).fill(['`live` v7 → v8 (planned)', '📝 Dry run — nothing changed', '—']),
    );
    expect(md).not.toContain('#### Traffic');
    expect(md).not.toMatch(/took \d/);
    expect(count(md, '1. Zip dist/')).toBe(3);
    expect(md).toContain('Nothing was changed');
  });
});

describe('fleetHeadline and fleetFailureMessage', () => {
  it('word each outcome in plain text', () => {
    expect(Object.values(f.FLEET_OUTCOMES).map(fleetHeadline)).toEqual([
      '✅ Released 3 functions in 2 waves',
      '↩️ Release of 3 functions in 2 waves rolled back — alarm orders-api-west-5xx at us-west-2/orders-api:live: every alias it moved is back on its previous version',
      '⚠️ Release of 3 functions in 2 waves failed — alarm orders-api-west-5xx at us-west-2/orders-api:live: 1 alias is NOT back on the previous version: eu-west-1/orders-api:live',
      '↩️ Release of 3 functions in 2 waves rolled back — alarm orders-worker-errors at eu-west-1/orders-worker:live: every alias it moved is back on its previous version',
      '⏹️ Release of 3 functions in 2 waves cancelled: every alias it moved is back on its previous version',
      '⛔ Release of 3 functions in 2 waves not started — alias split at eu-west-1/orders-worker:live: no traffic moved',
      '📝 Dry run: 3 functions in 2 waves planned, nothing changed',
      `⚠️ Release of 3 functions in 2 waves failed — alarm orders-api-west-5xx at us-west-2/orders-api:live: 1 alias is NOT back on the previous version: eu-west-1/${f.HOSTILE_FUNCTION}:${f.HOSTILE_ALIAS}`,
      '✅ Released 25 functions in 3 waves',
    ]);
  });

  it('says a mix of released and unchanged entries', () => {
    const e = f.allSucceed.entries;
    const mixed = {
      ...f.allSucceed,
      entries: [e[0]!, e[1]!, { ...e[2]!, status: 'skipped' as const }],
    };
    expect(fleetHeadline(mixed)).toBe('✅ Released 2 of 3 functions in 2 waves; 1 had nothing new');
  });

  it('the failure message: the headline, the cause with its entry, every alias left', () => {
    expect(fleetFailureMessage(f.wave2Fails)).toBe(
      `${fleetHeadline(f.wave2Fails)}. us-west-2/orders-api:live: ALARM_ACTIVE: ${f.wave2Fails.cause!.message}.`,
    );
    expect(fleetFailureMessage(f.foreignMove)).toMatch(
      /\. eu-west-1\/orders-api:live was left as it is: someone else moved alias live after this release put it on version 8; it is on v9\.$/,
    );
    expect(fleetFailureMessage(f.cancelDuringWave1)).toBe(
      `${fleetHeadline(f.cancelDuringWave1)}. CANCELLED: The workflow run was cancelled.`,
    );
    expect(fleetFailureMessage(f.preflightRefusal)).toContain(
      'eu-west-1/orders-worker:live: ALIAS_WEIGHTED: Alias `live` is split',
    );
  });
});

describe('escaping', () => {
  const hostile = f.hostileNames;

  it('shows a hostile function name and alias as typed, in tables, code, links and summaries', () => {
    const md = render(hostile);
    expect(md).not.toMatch(/<img|<script/);
    // The fold's summary line is HTML: escaped as HTML, no Markdown backslashes.
    expect(folds(md)[0]).toBe(
      'eu-west-1/evil|fn_&lt;img src=x&gt;*[x](http://e):a`|b&lt;script&gt;: ⚠️ left: someone else moved alias live after this release put it on version 8; it is on v9',
    );
    const row = rows(md)[0]!;
    expect(row.fn).toMatch(
      /^\[evil\\\|fn\\_&lt;img src=x&gt;\\\*\\\[x\\\]\(http&#58;\/\/e\)\]\(https:/,
    );
    expect(row.alias).toBe('<code>a\\`\\|b&lt;script&gt;</code> v7 → v8 → v9');
    expect(fleetHeadline(hostile)).toContain(
      `1 alias is NOT back on the previous version: eu-west-1/${f.HOSTILE_FUNCTION}:${f.HOSTILE_ALIAS}`,
    );
  });
});

describe('the size cap', () => {
  const long = 'x'.repeat(2000);
  function many(n: number): FleetResult {
    const entries: EntryResult[] = Array.from({ length: n }, (_, i) => {
      const e = f.allSucceed.entries[i % 3]!;
      const functionName = `orders-fn-${i}-${'n'.repeat(200)}`;
      return {
        ...e,
        functionName,
        key: `${e.region}/${functionName}:live`,
        wave: 1 + (i % 3),
        notes: Array.from({ length: 40 }, (_, j) => ({
          kind: 'warning' as const,
          text: `${j} ${long}`,
        })),
        timeline: Array.from({ length: 120 }, (_, j) => ({
          at: s(20 + j),
          newPercent: j % 2 ? 10 : 20,
        })),
        plan: { steps: Array(60).fill(long), shiftMinutes: 5, timeoutMinutes: 15 },
      };
    });
    return {
      ...f.allSucceed,
      entries,
      waves: [1, 2, 3].map((wave) => ({ wave, startedAt: s(20), endedAt: s(400) })),
    };
  }

  it('keeps 25 entries of long content below the limit, every row kept', () => {
    const md = render(many(25));
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(SUMMARY_MAX_BYTES).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(rows(md)).toHaveLength(25);
    expect(md).toContain('#### Traffic');
  });

  it('leaves out the last own reports when they would not fit, and says so', () => {
    const planned = many(25);
    planned.status = 'planned';
    for (const e of planned.entries) e.status = 'planned';
    const md = render(planned);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(rows(md)).toHaveLength(25);
    const kept = folds(md).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(25);
    expect(md).toContain(
      `*The own reports of ${25 - kept} of 25 functions were left out to stay within GitHub’s size limit.*`,
    );
  });

  it('leaves nothing out when it fits', () => {
    const md = render(many(2));
    expect(md).not.toContain('left out');
    expect(folds(md)).toHaveLength(2);
  });
});

describe('the timeline with a column per function (the layout not chosen)', () => {
  it('has a column per function and a row per change, waves and bake included', () => {
    const [table] = columnTimeline(f.allSucceed);
    const lines = table!.split('\n');
    expect(
      cells(lines[0]!)
        .slice(4, -1)
        .map((c) => c.trim()),
    ).toEqual(['`eu-west-1/orders-api`', '`orders-worker`', '`us-west-2/orders-api`']);
    expect(lines.map((l) => cells(l)[3]?.trim())).toContain('bake after wave 1 ended');
    expect(lines.find((l) => l.includes('orders-worker: all traffic'))).toMatch(
      /\| {2}\| 100% v8 \| {2}\|$/,
    );
  });

  it(`gives up past ${MAX_COLUMNS} functions and when nothing moved`, () => {
    const e = f.allSucceed.entries[0]!;
    const seven = {
      ...f.allSucceed,
      entries: Array.from({ length: 7 }, (_, i) => ({ ...e, key: `k${i}` })),
    };
    expect(columnTimeline(seven)).toEqual([]);
    expect(columnTimeline(f.dryRun)).toEqual([]);
  });
});

describe('renderFleetSummary snapshots', () => {
  for (const [name, fleet] of Object.entries(f.FLEET_OUTCOMES))
    it(name, () => expect(render(fleet)).toMatchSnapshot());
});
