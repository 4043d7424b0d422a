import { describe, expect, it } from 'vitest';
import type { ReleaseResult } from '../../src/release/result.ts';
import { headline, renderSummary, SUMMARY_LIMIT_BYTES } from '../../src/report/summary.ts';
import * as o from '../fixtures/outcomes.ts';
import { cells, expectTablesIntact } from './table-cells.ts';

const { base, s } = o;

const CONTEXT = {
  serverUrl: 'https://github.com',
  repository: 'acme/orders',
  sha: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
};
const CONSOLE = 'https://eu-west-1.console.aws.amazon.com';
const deployment = (id: string) =>
  `[${id}](${CONSOLE}/codesuite/codedeploy/deployments/${id}?region=eu-west-1)`;

/** The first line, the bold cause and the traffic rows (time, event, share) of a summary. */
function read(md: string) {
  const lines = md.split('\n');
  const traffic = lines
    .filter((l) => /^\| \d\d:\d\d:\d\d \|/.test(l))
    .map((l) => {
      const c = cells(l).map((x) => x.trim());
      return { time: c[2], event: c[3], share: c[4]?.split(' ').at(-1) };
    });
  return {
    title: lines[0],
    cause: lines.find((l) => l.startsWith('**')),
    traffic,
    folded: md.slice(md.indexOf('<details>')),
    open: md.slice(0, md.indexOf('<details>')),
  };
}

describe('renderSummary snapshots', () => {
  for (const [name, result] of Object.entries(o.OUTCOMES)) {
    it(name, () => {
      const md = renderSummary(result, CONTEXT);
      expectTablesIntact(md);
      expect(md).toMatchSnapshot();
    });
  }
});

describe('the first line of each outcome', () => {
  const cases: [ReleaseResult, string][] = [
    [o.canary, 'Released: live v7 → v8'],
    [o.alarmStop, 'Rolled back — alarm orders-5xx: live v7 → v8 → v7'],
    [
      o.hookFailure,
      'Failed before traffic — BeforeAllowTraffic hook: live stays on v7; v8 never received traffic',
    ],
    [o.afterHookFailure, 'Rolled back — AfterAllowTraffic hook: live v7 → v8 → v7'],
    [o.cancelled, 'Cancelled — rolled back: live v7 → v8 → v7'],
    [o.cancelledBeforeDeployment, 'Cancelled — no deployment had started: live stays on v7'],
    [o.busyGroup, 'Not started — group busy: live stays on v7'],
    [o.functionNotFound, 'Not started — function not found'],
    [
      o.smokeTestFailed,
      'Failed before traffic — smoke test failed: live stays on v7; v8 never received traffic',
    ],
    [o.timeoutRolledBack, 'Timed out — rolled back: live v7 → v8 → v7'],
    [o.lostContact, 'Outcome unknown — lost contact: live last seen 90% v7, 10% v8'],
    [o.splitAlias, 'Traffic split 90/10 — action needed: live now 90% v7, 10% v8'],
    [o.newVersionLeftLive, 'Failed, not rolled back — AfterAllowTraffic hook: live v7 → v8'],
    [o.skipped, 'Skipped — nothing new to release: live stays on v7'],
    [o.firstRelease, 'First release — alias created: live → v1'],
    [o.dryRun, 'Dry run — nothing changed: live v7 → v8'],
    [o.promotion, 'Promoted — from dev: test v11 → v12'],
    [o.started, 'Started — not waited for: live v7 → v8'],
  ];
  for (const [result, line] of cases) {
    it(line, () => {
      expect(headline(result)).toBe(line);
      // The summary's heading says the same, with a glyph and names as code.
      const title = read(renderSummary(result)).title!.replace(/`/g, '');
      expect(title.startsWith('### ')).toBe(true);
      expect(title.slice(title.indexOf(' ', 4) + 1)).toBe(line);
    });
  }

  it('the words differ per outcome', () => {
    const words = new Set(cases.map(([r]) => headline(r).split(/ — |: /)[0]));
    // Four outcomes come twice, with different reasons: rolled back, cancelled, not started,
    // failed before traffic.
    expect(words.size).toBe(cases.length - 4);
    expect(new Set(cases.map(([r]) => headline(r))).size).toBe(cases.length);
  });
});

describe('facts of each outcome', () => {
  it('canary: where traffic went, when, by what; the hooks and the code folded', () => {
    const md = renderSummary(o.canary, CONTEXT);
    const r = read(md);
    expect(r.cause).toBeUndefined();
    expect(r.traffic).toEqual([
      { time: '+4 s', event: 'deployment started', share: '0%' },
      { time: '+20 s', event: 'BeforeAllowTraffic passed', share: '0%' },
      { time: '+35 s', event: 'shift', share: '10%' },
      { time: '+5 min 1 s', event: 'all traffic', share: '100%' },
      { time: '+5 min 5 s', event: 'AfterAllowTraffic passed', share: '100%' },
    ]);
    expect(md).toContain('|---|---:|---|---:|');
    expect(r.open).toContain(deployment('d-ABCDEF123'));
    expect(r.open).toContain('| canary 10% · 5 min | 12:00:00 UTC | 5 min 6 s |');
    expect(r.open).toContain(
      '[1a2b3c4](https://github.com/acme/orders/commit/1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b)',
    );
    expect(r.open).not.toContain('q2lKb1b');
    expect(r.folded).toContain('| Code SHA-256 | `q2lKb1bXh5Ukm9yZbGp0nMyWq2Zp3Q6cYl8d9wHn1qA=` |');
    expect(r.folded).toContain('| Code size | 3.2 MiB |');
    expect(r.folded).toContain('$252Faws$252Flambda$252FCodeDeployHook_orders_pre): Succeeded');
    // Nothing failed, so nothing says whether it rolled back.
    expect(md).not.toContain('Rolled back');
  });

  it('alarm stop: the alarm linked, how long v8 had 10%, traffic back at 0%', () => {
    const md = renderSummary(o.alarmStop);
    const r = read(md);
    expect(r.cause).toBe(
      `**Alarm [\`orders-5xx\`](${CONSOLE}/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/orders-5xx) fired after v8 had carried 10% of traffic for 1 min 45 s.**`,
    );
    expect(r.traffic.at(-1)).toEqual({
      time: '+2 min 15 s',
      event: 'alarm · rollback',
      share: '0%',
    });
    expect(r.open).toContain(deployment('d-ROLLBACK2'));
    expect(r.folded).toContain('| Alias now | v7 |');
    expect(r.folded).toContain('| Rolled back | yes |');
    expect(r.folded).toContain('| CodeDeploy said | One or more alarms');
  });

  it('a hook is its own row at the time it passed, even when the first shift seen is all traffic', () => {
    // The demo's case: the hook passed at +2 s; the 10% step came and went between two polls.
    const r = read(
      renderSummary(
        o.base({
          endedAt: o.s(8),
          timeline: [
            { at: o.s(1), newPercent: 0 },
            { at: o.s(6), newPercent: 100 },
          ],
          hooks: [
            {
              hook: 'BeforeAllowTraffic',
              functionName: 'CodeDeployHook_orders_pre',
              status: 'Succeeded',
              seenAt: o.s(2.2),
            },
          ],
          finalAlias: { version: '8', weights: {} },
        }),
      ),
    );
    expect(r.traffic).toEqual([
      { time: '+1 s', event: 'deployment started', share: '0%' },
      { time: '+2 s', event: 'BeforeAllowTraffic passed', share: '0%' },
      { time: '+6 s', event: 'all traffic', share: '100%' },
    ]);
  });

  it('a rollback the timeline did not record still ends at where traffic is now', () => {
    const r = read(renderSummary(o.alarmStopNoRollbackPoint));
    expect(r.traffic.map((t) => `${t.event} ${t.share}`)).toEqual([
      'deployment started 0%',
      'BeforeAllowTraffic passed 0%',
      'shift 10%',
      'alarm · rollback 0%',
    ]);
    expect(r.traffic.at(-1)?.time).toBe('+2 min 20 s');
  });

  it('hook failure before traffic: the hook linked to its logs, no traffic table', () => {
    const md = renderSummary(o.hookFailure);
    const r = read(md);
    expect(r.cause).toContain(
      `The BeforeAllowTraffic hook [\`CodeDeployHook_orders_pre\`](${CONSOLE}/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252FCodeDeployHook_orders_pre) reported Failed, before any traffic moved to v8.`,
    );
    expect(r.traffic).toEqual([]);
    expect(r.folded).toContain('**Failed**');
  });

  it('cancel: the cause as the action wrote it, traffic back', () => {
    const r = read(renderSummary(o.cancelled));
    expect(r.cause).toBe(
      '**The workflow run was cancelled. Deployment d-ABCDEF123 was stopped with rollback; alias live is back on version 7.**',
    );
    expect(r.traffic.at(-1)).toMatchObject({ event: 'cancel · rollback', share: '0%' });
  });

  it('busy group: the action’s backticks and console URL render as code and a link, once', () => {
    const md = renderSummary(o.busyGroup);
    const r = read(md);
    expect(r.cause).toBe(
      `**Deployment group \`orders-live\` already has an active deployment d-OTHER999 ([console](${CONSOLE}/codesuite/codedeploy/deployments/d-OTHER999?region=eu-west-1)); CodeDeploy allows one at a time. Wait for it or stop it, or set \`if-busy: wait\`.**`,
    );
    expect(md).not.toContain('\\`');
    // Nothing was deployed: no deployment, strategy, traffic or rollback rows.
    expect(r.open).not.toContain('Deployment |');
    expect(r.open).not.toContain('Strategy');
    expect(md).not.toContain('Rolled back');
    expect(r.traffic).toEqual([]);
  });

  it('a preflight failure says nothing about an alias it never read', () => {
    const md = renderSummary(o.functionNotFound);
    expect(md).not.toContain('Previous version');
    expect(md).not.toContain('did not exist');
    expect(md).not.toContain('Alias now');
    expect(md).not.toMatch(/unknown/i);
  });

  it('split alias: the state, the command, no claim of a rollback', () => {
    const md = renderSummary(o.splitAlias);
    expect(md).toContain(
      'Alias `live` sends 90% v7, 10% v8: traffic is **not** on one version, and every later deployment fails until it is.',
    );
    expect(md).toContain(
      'aws lambda update-alias --function-name orders-api --name live --function-version 7 --routing-config AdditionalVersionWeights={} --region eu-west-1',
    );
    expect(md).toContain('| Rolled back | no |');
  });

  it('a failed release that left the new version live offers the way back', () => {
    const md = renderSummary(o.newVersionLeftLive);
    expect(md).toContain(
      'Alias `live` sends all traffic to v8 although the release did not succeed.',
    );
    expect(md).toContain('--function-version 7 --region eu-west-1');
    expect(md).not.toContain('--routing-config');
  });

  it('shell-quotes odd names in the fix command', () => {
    const md = renderSummary({ ...o.splitAlias, alias: "it's live" });
    expect(md).toContain(`--name 'it'\\''s live'`);
  });

  it('skipped: no traffic claimed, no strategy', () => {
    const md = renderSummary(o.skipped);
    expect(read(md).traffic).toEqual([]);
    expect(md).not.toContain('moved');
    expect(md).not.toContain('Strategy');
  });

  it('first release: one sentence for the one traffic point, no strategy, the alias did not exist', () => {
    const md = renderSummary(o.firstRelease);
    expect(md).toContain('All traffic moved to v1 at 12:00:09 UTC (+9 s).');
    expect(md).not.toContain('Strategy');
    expect(md).toContain('| Previous version | none: alias `live` did not exist |');
  });

  it('dry run: the plan, the derived wait, no duration', () => {
    const md = renderSummary(o.dryRun);
    expect(md).toContain('1. Zip build/ (deterministic) and upload it as the code of `orders-api`');
    expect(md).toContain(
      'Traffic shifting takes 1 h 30 min by the strategy; the release would wait up to 1 h 40 min (derived from the strategy and hooks) for the deployment.',
    );
    expect(read(md).open).not.toContain('Took');
  });

  it('promotion: where the version came from, the direct move in one sentence', () => {
    const md = renderSummary(o.promotion);
    expect(md).toContain('| Source | version 12 of alias dev — promoted from alias `dev` |');
    expect(md).toContain('All traffic moved to v12 at 12:00:02 UTC (+2 s).');
    expect(read(md).open).toContain('direct, no CodeDeploy');
  });

  it('wait: false: the deployment linked, nothing claimed about its end', () => {
    const md = renderSummary(o.started);
    expect(md).toContain(deployment('d-ABCDEF123'));
    expect(md).not.toContain('Rolled back');
    expect(read(md).traffic).toEqual([]);
  });

  it('caps the timeline with a row saying how many were left out', () => {
    const timeline = Array.from({ length: 500 }, (_, i) => ({
      at: s(i),
      newPercent: i % 2 ? 10 : 0,
    }));
    const md = renderSummary(base({ timeline, finalAlias: undefined }));
    expect(md).toContain('| … | … | 460 more changes | … |');
    expect(read(md).traffic).toHaveLength(40);
  });

  it('an unknown error code is shown as given', () => {
    const md = renderSummary(
      base({
        status: 'failed',
        deploymentId: undefined,
        cause: { code: 'AccessDeniedException', message: 'no' },
      }),
    );
    expect(md).toContain('| Error code | `AccessDeniedException` |');
  });
});

describe('renderSummary escaping', () => {
  const evil = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '| a | b |',
    '**bold** _it_ ~~s~~ `code` $x^2$',
    '[click](https://evil.example) ![img](https://evil.example/x.png)',
    '# Heading',
    '::error::pwned',
    '\n- injected item\n\n| x | y |\n|---|---|',
    '&lt;already&gt; &amp;',
  ].join(' ');

  const nasty = base({
    status: 'stopped',
    rolledBack: false,
    functionName: `fn${evil}`,
    alias: `live${evil}`,
    source: `zip ${evil}`,
    version: `8${evil}`,
    previousVersion: '7',
    deploymentId: `d-1${evil}`,
    rollbackDeploymentId: `d-2${evil}`,
    codeSha256: evil,
    strategy: {
      input: evil,
      description: `canary ${evil}`,
      configName: `cfg${evil}`,
      direct: false,
    },
    origin: { kind: 'alias', alias: evil },
    timeline: [{ at: s(1), newPercent: 10 }],
    hooks: [{ hook: 'BeforeAllowTraffic', functionName: evil, status: evil }],
    cause: {
      code: evil,
      message: evil,
      alarms: [evil, `a|b${evil}`],
      failedHook: 'BeforeAllowTraffic',
    },
    finalAlias: { version: `7${evil}`, weights: { [`8${evil}`]: 0.25 } },
    plan: { steps: [evil, `1. ${evil}`], shiftMinutes: 10, timeoutMinutes: 20 },
    notes: [evil, `- ${evil}`, `${evil}\n${evil}`].map((text) => ({
      kind: 'warning' as const,
      text,
    })),
  });

  for (const [name, result] of [
    ['stopped', nasty],
    ['planned', { ...nasty, status: 'planned' } as ReleaseResult],
  ] as const) {
    it(`renders none of it raw (${name})`, () => {
      const full = renderSummary(result);
      // A fenced block holds the fix command; its content is literal text, exactly the input.
      const blocks = [...full.matchAll(/^(`{3,})sh\n(.*)\n\1$/gm)].map((m) => m[2]);
      expect(blocks).toHaveLength(result.status === 'stopped' ? 1 : 0);
      for (const b of blocks) expect(b).toContain(`--name 'live<script>alert(1)</script>`);
      // Outside code blocks and link destinations:
      const md = full
        .replace(/^(`{3,})sh\n.*\n\1$/gm, '')
        .replace(/(?<!\\)\]\((https:[^)\s]*)\)/g, (_m, url: string) => {
          expect(url).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/[^<>()\s|`]*$/);
          return ']()';
        });
      // The only HTML tags are the ones the renderer makes itself: <code>, and the fold.
      for (const m of md.matchAll(/<\/?([a-zA-Z]+)/g))
        expect(['code', 'details', 'summary']).toContain(m[1]);
      expect(md).not.toContain('<script');
      expect(md).not.toContain('<img');
      // Tables keep their shape: no pipe from the input ends a cell.
      expectTablesIntact(md);
      // No link or image but the console links the renderer makes (replaced by `]()` above).
      for (const m of md.matchAll(/(?<!\\)\]\(([^)]*)/g)) expect(m[1]).toBe('');
      // No unescaped emphasis, math or strikethrough markers from the input.
      expect(md).not.toMatch(/(?<!\\)\*\*bold/);
      expect(md).not.toMatch(/(?<![\\`])\$x/);
      expect(md).not.toMatch(/(?<!\\)~~s/);
      // The injected line breaks did not start new blocks.
      for (const line of md.split('\n')) {
        expect(line.startsWith('- injected')).toBe(false);
        expect(line.startsWith('| x | y |')).toBe(false);
        expect(line.startsWith('# Heading')).toBe(false);
        expect(line.trimStart().startsWith('::')).toBe(false);
      }
      // Entities in the input are shown as typed, not decoded.
      expect(md).not.toMatch(/(?<!`[^`\n]*)&lt;already&gt;/);
    });
  }
});

describe('renderSummary size', () => {
  it('keeps a huge result under the 1 MiB summary limit', () => {
    const big = 'x|<'.repeat(200_000);
    const result = base({
      status: 'failed',
      functionName: big,
      alias: big,
      source: big,
      version: big,
      previousVersion: big,
      deploymentId: big,
      rollbackDeploymentId: big,
      codeSha256: big,
      strategy: { input: big, description: big, configName: big, direct: false },
      origin: { kind: 'alias', alias: big },
      timeline: Array.from({ length: 200_000 }, (_, i) => ({ at: s(i), newPercent: i % 100 })),
      hooks: Array.from({ length: 10_000 }, () => ({
        hook: 'BeforeAllowTraffic' as const,
        functionName: big.slice(0, 10_000),
        status: 'Failed',
      })),
      cause: {
        code: big,
        message: big,
        alarms: Array.from({ length: 10_000 }, () => big.slice(0, 5_000)),
        failedHook: 'AfterAllowTraffic',
      },
      finalAlias: { version: big, weights: { [big]: 0.5 } },
      plan: {
        steps: Array.from({ length: 5_000 }, () => big.slice(0, 20_000)),
        shiftMinutes: 1,
        timeoutMinutes: 2,
      },
      notes: Array.from({ length: 5_000 }, () => ({
        kind: 'warning' as const,
        text: big.slice(0, 20_000),
      })),
    });
    for (const r of [result, { ...result, status: 'planned' } as ReleaseResult]) {
      const md = renderSummary(r);
      expect(Buffer.byteLength(md, 'utf8')).toBeLessThan(SUMMARY_LIMIT_BYTES);
      expect(md.startsWith('### ')).toBe(true);
      expect(md).toContain('more characters');
      expectTablesIntact(md);
    }
  });
});
