import { describe, expect, it } from 'vitest';
import type { ReleaseResult } from '../../src/release/result.ts';
import { renderSummary, SUMMARY_LIMIT_BYTES } from '../../src/report/summary.ts';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);
const s = (sec: number) => T0 + sec * 1000;

function base(over: Partial<ReleaseResult> = {}): ReleaseResult {
  return {
    status: 'succeeded',
    region: 'eu-west-1',
    functionName: 'orders-api',
    functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api',
    alias: 'live',
    aliasArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live',
    version: '8',
    previousVersion: '7',
    codeSha256: 'q2lKb1bXh5Ukm9yZbGp0nMyWq2Zp3Q6cYl8d9wHn1qA=',
    source: 'code-dir build/',
    origin: { kind: 'published' },
    strategy: {
      input: 'Canary10Percent5Minutes',
      description: 'canary: 10% for 5 minutes, then the rest',
      configName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      direct: false,
    },
    deploymentId: 'd-ABCDEF123',
    rolledBack: false,
    startedAt: T0,
    endedAt: s(306),
    timeline: [],
    hooks: [],
    notes: [],
    ...over,
  };
}

/** Splits a GFM table row on its unescaped pipes. */
function cells(row: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (c === '\\' && i + 1 < row.length) {
      cur += c + row[i + 1];
      i++;
    } else if (c === '|') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Every table in the Markdown keeps the column count of its header row. */
function expectTablesIntact(md: string): void {
  const lines = md.split('\n');
  let columns = 0;
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith('|')) {
      columns = 0;
      continue;
    }
    if (columns === 0) {
      columns = cells(line).length;
      expect(lines[i + 1]?.startsWith('|---')).toBe(true);
    } else {
      expect(cells(line), line).toHaveLength(columns);
    }
  }
}

const canarySuccess = base({
  timeline: [
    { at: s(4), newPercent: 0 },
    { at: s(20), newPercent: 0 },
    { at: s(35), newPercent: 10 },
    { at: s(120), newPercent: 10 },
    { at: s(301), newPercent: 100 },
  ],
  hooks: [
    { hook: 'BeforeAllowTraffic', functionName: 'CodeDeployHook_orders_pre', status: 'Succeeded' },
    { hook: 'AfterAllowTraffic', functionName: 'CodeDeployHook_orders_post', status: 'Succeeded' },
  ],
  finalAlias: { version: '8', weights: {} },
});

const hookFailureRollback = base({
  status: 'failed',
  rolledBack: true,
  rollbackDeploymentId: 'd-ROLLBACK1',
  endedAt: s(95),
  timeline: [{ at: s(3), newPercent: 0 }],
  hooks: [
    { hook: 'BeforeAllowTraffic', functionName: 'CodeDeployHook_orders_pre', status: 'Failed' },
    { hook: 'AfterAllowTraffic', functionName: 'CodeDeployHook_orders_post', status: 'Skipped' },
  ],
  cause: {
    code: 'HOOK_EXECUTION_FAILURE',
    message:
      'The deployment failed because one or more of the lifecycle event hooks returned a Failed status.',
    failedHook: 'BeforeAllowTraffic',
  },
  finalAlias: { version: '7', weights: {} },
});

const alarmStop = base({
  status: 'stopped',
  rolledBack: true,
  rollbackDeploymentId: 'd-ROLLBACK2',
  endedAt: s(140),
  timeline: [
    { at: s(5), newPercent: 0 },
    { at: s(30), newPercent: 10 },
    { at: s(135), newPercent: 0 },
  ],
  hooks: [
    { hook: 'BeforeAllowTraffic', functionName: 'CodeDeployHook_orders_pre', status: 'Succeeded' },
  ],
  cause: {
    code: 'ALARM_ACTIVE',
    message:
      'One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <orders-5xx> <orders-p99-latency>',
    alarms: ['orders-5xx', 'orders-p99-latency'],
  },
  finalAlias: { version: '7', weights: {} },
});

const splitAfterFailedRollback = base({
  status: 'failed',
  rolledBack: false,
  rollbackDeploymentId: 'd-ROLLBACK3',
  endedAt: s(200),
  timeline: [
    { at: s(5), newPercent: 0 },
    { at: s(30), newPercent: 10 },
  ],
  cause: {
    code: 'ALARM_ACTIVE',
    message: 'Activated alarms: <orders-5xx>',
    alarms: ['orders-5xx'],
  },
  finalAlias: { version: '7', weights: { '8': 0.1 } },
  notes: [
    {
      kind: 'rollback-failed',
      text: 'The rollback deployment d-ROLLBACK3 failed: the alias was changed outside CodeDeploy.',
    },
  ],
});

const skipped = base({
  status: 'skipped',
  version: '7',
  previousVersion: '7',
  deploymentId: undefined,
  endedAt: s(12),
  finalAlias: { version: '7', weights: {} },
  notes: [
    {
      kind: 'nothing-new',
      text: 'PublishVersion returned version 7, which the alias already points at: the code has not changed.',
    },
  ],
});

const created = base({
  status: 'created',
  version: '1',
  previousVersion: undefined,
  deploymentId: undefined,
  endedAt: s(9),
  finalAlias: { version: '1', weights: {} },
});

const dryRun = base({
  status: 'planned',
  version: undefined,
  deploymentId: undefined,
  codeSha256: undefined,
  endedAt: s(3),
  strategy: {
    input: 'LambdaLinear10PercentEvery10Minutes',
    description: 'linear: 10% more every 10 minutes',
    configName: 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes',
    direct: false,
  },
  plan: {
    steps: [
      'Zip build/ (deterministic) and upload it as the code of orders-api',
      'Publish a new version with the description "acme/orders@1a2b3c4 run 42"',
      'Start a CodeDeploy deployment of orders-app/production moving alias live from v7 to the new version',
    ],
    shiftMinutes: 90,
    timeoutMinutes: 125,
  },
  notes: [{ kind: 'warning', text: 'Alarm orders-5xx is in state OK.' }],
});

const promotionDirect = base({
  version: '12',
  previousVersion: '11',
  alias: 'test',
  deploymentId: undefined,
  codeSha256: undefined,
  source: 'version 12 of alias dev',
  origin: { kind: 'alias', alias: 'dev' },
  strategy: {
    input: 'direct',
    description: 'direct: the alias moves at once',
    direct: true,
  },
  endedAt: s(2),
  finalAlias: { version: '12', weights: {} },
});

const started = base({
  status: 'started',
  endedAt: s(8),
});

const cases: [string, ReleaseResult][] = [
  ['canary success', canarySuccess],
  ['hook failure rolled back', hookFailureRollback],
  ['alarm stop', alarmStop],
  ['split alias after a failed rollback', splitAfterFailedRollback],
  ['skipped', skipped],
  ['alias created', created],
  ['dry-run plan', dryRun],
  ['promotion with direct strategy', promotionDirect],
  ['started without waiting', started],
];

describe('renderSummary snapshots', () => {
  for (const [name, result] of cases) {
    it(name, () => {
      const md = renderSummary(result);
      expectTablesIntact(md);
      expect(md).toMatchSnapshot();
    });
  }
});

describe('renderSummary content', () => {
  it('leads with the status word, function, alias and versions', () => {
    expect(renderSummary(canarySuccess).split('\n')[0]).toBe(
      '## Released: `orders-api` alias `live`, v7 → v8',
    );
    expect(renderSummary(hookFailureRollback)).toMatch(/^## Rolled back: /);
    expect(renderSummary(base({ status: 'failed', cause: { message: 'x' } }))).toMatch(
      /^## Failed: /,
    );
    expect(renderSummary(base({ status: 'stopped', cause: { message: 'x' } }))).toMatch(
      /^## Stopped: /,
    );
    expect(renderSummary(skipped)).toMatch(/^## Skipped — nothing new to release: /);
    expect(renderSummary(created)).toMatch(/^## Alias created: `orders-api` alias `live`, v1\n/);
    expect(renderSummary(started)).toMatch(/^## Started: /);
    expect(renderSummary(dryRun)).toMatch(/^## Planned \(dry run\): .*v7 → a new version\n/);
  });

  it('links the deployment, the rollback deployment and the alias', () => {
    const md = renderSummary(hookFailureRollback);
    expect(md).toContain(
      '[`d-ABCDEF123`](https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-ABCDEF123?region=eu-west-1)',
    );
    expect(md).toContain('deployments/d-ROLLBACK1?region=eu-west-1');
    expect(md).toContain(
      '[`orders-api`](https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/orders-api/aliases/live)',
    );
  });

  it('shows the strategy in words, the duration and the code hash', () => {
    const md = renderSummary(canarySuccess);
    expect(md).toContain(
      '| Strategy | canary: 10% for 5 minutes, then the rest (`CodeDeployDefault.LambdaCanary10Percent5Minutes`) |',
    );
    expect(md).toContain('| Duration | 5m 06s |');
    expect(md).toContain('| Code SHA-256 | `q2lKb1bXh5Ukm9yZbGp0nMyWq2Zp3Q6cYl8d9wHn1qA=` |');
  });

  it('collapses consecutive duplicates in the traffic timeline', () => {
    const md = renderSummary(canarySuccess);
    expect(md).toContain('| 12:00:04 | +4s | 0% |');
    expect(md).not.toContain('| 12:00:20 |');
    expect(md).toContain('| 12:00:35 | +35s | 10% |');
    expect(md).not.toContain('| 12:02:00 |');
    expect(md).toContain('| 12:05:01 | +5m 01s | 100% |');
  });

  it('caps the timeline with a row saying how many were left out', () => {
    const timeline = Array.from({ length: 500 }, (_, i) => ({
      at: s(i),
      newPercent: i % 2 ? 10 : 0,
    }));
    const md = renderSummary(base({ timeline }));
    expect(md).toContain('| … | … | 460 more changes |');
    expect(md.split('\n').filter((l) => /^\| \d\d:\d\d:\d\d /.test(l))).toHaveLength(40);
    expect(md).toContain('| 12:08:19 | +8m 19s | 10% |');
  });

  it('names the alarms, the failed hook and the final alias state', () => {
    const stop = renderSummary(alarmStop);
    expect(stop).toContain('Alarms that fired: `orders-5xx`, `orders-p99-latency`');
    expect(stop).toContain('`ALARM_ACTIVE`: One or more alarms');
    expect(stop).toContain(
      'now: 100% on v7 (previous version): traffic is back on the previous version',
    );
    expect(stop).toContain('Rolled back: yes');
    const hook = renderSummary(hookFailureRollback);
    expect(hook).toContain(
      'Failed hook: `BeforeAllowTraffic` (function `CodeDeployHook_orders_pre`)',
    );
    expect(hook).toContain('| `BeforeAllowTraffic` | `CodeDeployHook_orders_pre` | **Failed** |');
  });

  it('says a split alias is not on one version and how to fix it', () => {
    const md = renderSummary(splitAfterFailedRollback);
    expect(md).toMatch(/^## Failed: /);
    expect(md).toContain('split: 90% v7, 10% v8 — traffic is **not** fully on one version');
    expect(md).toContain(
      'aws lambda update-alias --function-name orders-api --name live --function-version 7 --routing-config AdditionalVersionWeights={} --region eu-west-1',
    );
    expect(md).toContain('Rolled back: no');
  });

  it('offers the way back when a failed release left the new version live', () => {
    const md = renderSummary(
      base({
        status: 'failed',
        cause: {
          code: 'HOOK_EXECUTION_FAILURE',
          message: 'AfterAllowTraffic failed',
          failedHook: 'AfterAllowTraffic',
        },
        finalAlias: { version: '8', weights: {} },
      }),
    );
    expect(md).toContain('100% on v8 (new version): the new version carries all traffic');
    expect(md).toContain('--function-version 7 --region eu-west-1');
  });

  it('shell-quotes odd names in the fix command', () => {
    const md = renderSummary({ ...splitAfterFailedRollback, alias: "it's live" });
    expect(md).toContain(`--name 'it'\\''s live'`);
  });

  it('shows the plan of a dry run', () => {
    const md = renderSummary(dryRun);
    expect(md).toContain('1. Zip build/ (deterministic) and upload it as the code of orders-api');
    expect(md).toContain('3. Start a CodeDeploy deployment');
    expect(md).toContain(
      'Traffic shifting takes about 90 minutes (1h 30m 00s) by the strategy; the action would wait up to 125 minutes (2h 05m 00s) for the deployment.',
    );
  });

  it('says where a promoted version came from', () => {
    expect(renderSummary(promotionDirect)).toContain(
      '| Source | version 12 of alias dev — promoted from alias `dev` |',
    );
    expect(renderSummary(base({ origin: { kind: 'version' }, source: 'version 5' }))).toContain(
      '| Source | version 5 — version given |',
    );
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
    notes: [evil, `- ${evil}`, `${evil}\n${evil}`].map((text) => ({ kind: 'warning', text })),
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
      // The only HTML tags are the <code> elements the renderer makes itself.
      for (const m of md.matchAll(/<\/?([a-zA-Z]+)/g)) expect(m[1]).toBe('code');
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
      notes: Array.from({ length: 5_000 }, () => ({ kind: 'warning', text: big.slice(0, 20_000) })),
    });
    for (const r of [result, { ...result, status: 'planned' } as ReleaseResult]) {
      const md = renderSummary(r);
      expect(Buffer.byteLength(md, 'utf8')).toBeLessThan(SUMMARY_LIMIT_BYTES);
      expect(md.startsWith('## ')).toBe(true);
      expect(md).toContain('more characters');
      expectTablesIntact(md);
    }
  });
});
