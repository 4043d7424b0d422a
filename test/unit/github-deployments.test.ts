// GitHub deployment records: what each outcome says, and how the records behave when GitHub
// is slow, refuses or fails (the release is never held or failed by them).
import { describe, expect, it } from 'vitest';
import { aliasUrl, deploymentUrl, releaseUrl } from '../../src/aws/console.ts';
import {
  type DeploymentsApi,
  GitHubDeployments,
  MAX_DESCRIPTION,
  type NewDeployment,
  type NewStatus,
  runLinks,
} from '../../src/github/deployments.ts';
import {
  type EntryFacts,
  entryEnvironments,
  entryKey,
  finalStatus,
  isProduction,
  postStatus,
  startEntry,
} from '../../src/github/statuses.ts';
import { readSettings } from '../../src/settings/index.ts';

const facts = (over: Partial<EntryFacts> = {}): EntryFacts => ({
  status: 'succeeded',
  region: 'eu-west-1',
  functionName: 'orders',
  alias: 'live',
  version: '3',
  previousVersion: '2',
  deploymentId: 'd-ABC123',
  rolledBack: false,
  ...over,
});

describe('the inputs', () => {
  const read = (extra: Record<string, string>) => {
    const inputs: Record<string, string> = {
      'function-name': 'orders',
      alias: 'live',
      application: 'orders-app',
      'deployment-group': 'orders-live',
      ...extra,
    };
    return readSettings((n) => inputs[n] ?? '', { AWS_REGION: 'eu-west-1' });
  };

  it('github-environment with the token records; github-token alone (its default) does not', async () => {
    expect(
      (await read({ 'github-environment': ' production ', 'github-token': 't' })).github,
    ).toEqual({ environment: 'production', token: 't' });
    expect((await read({ 'github-token': 't' })).github).toBeUndefined();
  });
});

describe('releaseUrl (the output deployment-url)', () => {
  it('is the CodeDeploy deployment when one ran, the alias otherwise', () => {
    expect(releaseUrl(facts())).toBe(deploymentUrl('eu-west-1', 'd-ABC123'));
    expect(releaseUrl(facts({ deploymentId: undefined }))).toBe(
      'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/orders/aliases/live',
    );
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:orders';
    expect(releaseUrl(facts({ functionName: arn, deploymentId: undefined }))).toBe(
      aliasUrl('eu-west-1', 'orders', 'live'),
    );
  });
});

describe('what a record says', () => {
  it('names each outcome with its state, versions and link', () => {
    const cases: [Partial<EntryFacts>, boolean, string, string][] = [
      [{}, false, 'success', 'Released version 3 to orders:live (from version 2)'],
      [
        { status: 'created', previousVersion: undefined, deploymentId: undefined },
        false,
        'success',
        'Created alias orders:live on version 3',
      ],
      [
        { status: 'skipped', deploymentId: undefined },
        false,
        'success',
        'orders:live already on version 3: nothing new to release',
      ],
      [
        { status: 'failed', rolledBack: true, cause: { code: 'ALARM_ACTIVE', message: 'x' } },
        false,
        'failure',
        'Failed (ALARM_ACTIVE): version 3 on orders:live; traffic back on version 2',
      ],
      [
        { status: 'stopped', finalAlias: { version: '2', weights: { '3': 0.1 } } },
        false,
        'failure',
        'Stopped: version 3 on orders:live; alias split on version 2 and others',
      ],
      [
        { status: 'started' },
        false,
        'in_progress',
        'Version 3 on orders:live (from version 2): CodeDeploy deployment d-ABC123 started, not waited for (wait: false)',
      ],
      [
        { status: 'stopped', rolledBack: true },
        true,
        'inactive',
        'Cancelled: version 3 on orders:live; traffic back on version 2',
      ],
      [
        { status: 'stopped', finalAlias: { version: '3', weights: {} } },
        true,
        'error',
        'Cancelled: version 3 on orders:live; alias on version 3',
      ],
      [
        { status: 'failed', deploymentId: undefined, version: undefined },
        true,
        'error',
        'Cancelled: orders:live; alias not confirmed',
      ],
    ];
    for (const [over, cancelled, state, description] of cases) {
      const f = facts(over);
      expect(finalStatus(f, cancelled)).toEqual({ state, description, url: releaseUrl(f) });
    }
  });

  it('starts in progress, linking to the alias, keyed region/function:alias', () => {
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:orders';
    const entry = startEntry(facts({ functionName: arn, deploymentId: undefined }), 'production');
    expect(entry).toMatchObject({
      key: 'eu-west-1/orders:live',
      environment: 'production',
      production: true,
      payload: { region: 'eu-west-1', function: 'orders', alias: 'live' },
      status: { state: 'in_progress', url: aliasUrl('eu-west-1', 'orders', 'live') },
    });
    expect(entryKey(facts())).toBe('eu-west-1/orders:live');
  });

  it('gives one entry the environment as given, several one each, told apart only as needed', () => {
    const f = (functionName: string, region = 'eu-west-1', alias = 'live') => ({
      functionName,
      region,
      alias,
    });
    expect(entryEnvironments('production', [f('orders')])).toEqual(['production']);
    expect(
      entryEnvironments('production', [
        f('orders-api'),
        f('orders-worker'),
        f('orders-api', 'us-west-2'),
        f('arn:aws:lambda:us-west-2:123456789012:function:orders-api', 'us-west-2', 'beta'),
      ]),
    ).toEqual([
      'production/orders-api/eu-west-1',
      'production/orders-worker',
      'production/orders-api/us-west-2:live',
      'production/orders-api/us-west-2:beta',
    ]);
  });

  it('counts production/<entry> and prod as production, staging not', () => {
    expect(isProduction('production/orders-api')).toBe(true);
    expect(isProduction('Prod')).toBe(true);
    expect(isProduction('staging')).toBe(false);
    expect(isProduction('productionish')).toBe(false);
  });
});

describe('what the post step says after main was killed', () => {
  const base = { region: 'eu-west-1', functionName: 'orders', alias: 'live' };
  it('names what it found and did, with the state that fits', () => {
    const cases: [Parameters<typeof postStatus>[0], string, string][] = [
      [
        { ...base, kind: 'stopped', deploymentId: 'd-1', restored: true, previous: '2' },
        'inactive',
        'The step ended early: deployment d-1 stopped, orders:live back on version 2',
      ],
      [
        {
          ...base,
          kind: 'stopped',
          deploymentId: 'd-1',
          restored: false,
          aliasNow: { version: '3', weights: {} },
        },
        'error',
        'The step ended early: deployment d-1 stopped; alias on version 3',
      ],
      [
        {
          ...base,
          kind: 'ended',
          deploymentId: 'd-1',
          status: 'Succeeded',
          aliasNow: { version: '3', weights: {} },
        },
        'success',
        'The step ended early: deployment d-1 had ended Succeeded; alias on version 3',
      ],
      [
        { ...base, kind: 'left', deploymentId: 'd-1', status: 'InProgress' },
        'in_progress',
        'The step ended early: deployment d-1 left running (on-cancel: leave)',
      ],
      [
        { ...base, kind: 'no-deployment', previous: '2', aliasNow: { version: '2', weights: {} } },
        'inactive',
        'The step ended early, with no deployment of orders:live; alias on version 2',
      ],
      [
        { ...base, kind: 'unchecked', problem: 'x' },
        'error',
        'The step ended early; the post step could not check orders:live',
      ],
    ];
    for (const [report, state, description] of cases)
      expect(postStatus(report)).toEqual({ state, description, url: releaseUrl(report) });
  });
});

describe('runLinks', () => {
  it('links the run attempt on the server the run is on', () => {
    expect(
      runLinks({
        GITHUB_SERVER_URL: 'https://ghe.example.com/',
        GITHUB_REPOSITORY: 'acme/orders',
        GITHUB_RUN_ID: '7',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_SHA: 'abc',
      }),
    ).toEqual({
      sha: 'abc',
      runUrl: 'https://ghe.example.com/acme/orders/actions/runs/7/attempts/2',
    });
    expect(runLinks({ GITHUB_REPOSITORY: 'acme/orders' })).toBeUndefined();
  });
});

/** A GitHub that records the calls and answers as told. */
function fakeApi(answer: (call: string) => Promise<void> | void = () => {}) {
  const calls: (['deployment', NewDeployment] | ['status', number, NewStatus])[] = [];
  const api: DeploymentsApi = {
    async createDeployment(d) {
      calls.push(['deployment', d]);
      await answer('deployment');
      return 41;
    },
    async createStatus(id, s) {
      calls.push(['status', id, s]);
      await answer(`status ${s.state}`);
    },
  };
  return { api, calls };
}

function logs() {
  const lines = { info: [] as string[], warning: [] as string[] };
  return {
    lines,
    log: { info: (m: string) => lines.info.push(m), warning: (m: string) => lines.warning.push(m) },
  };
}

const RUN = { sha: 'abc', runUrl: 'https://github.com/acme/orders/actions/runs/7/attempts/1' };
const entry = startEntry(facts({ deploymentId: undefined }), 'production');

describe('GitHubDeployments', () => {
  it('creates the deployment, then sends the statuses in order, each with the run link', async () => {
    const { api, calls } = fakeApi();
    const { log } = logs();
    const created: [string, number][] = [];
    const records = new GitHubDeployments(Promise.resolve(api), RUN, log, (key, id) =>
      created.push([key, id]),
    );
    records.start([entry]);
    records.update(entry.key, { state: 'in_progress', description: 'deploying', url: 'u1' });
    await records.finish(entry.key, { state: 'success', description: 'x'.repeat(300), url: 'u2' });
    expect(calls.map((c) => (c[0] === 'deployment' ? 'deployment' : c[2].state))).toEqual([
      'deployment',
      'in_progress',
      'in_progress',
      'success',
    ]);
    expect(calls[0]![1]).toMatchObject({ ref: 'abc', environment: 'production', production: true });
    const last = calls[3] as ['status', number, NewStatus];
    expect(last[1]).toBe(41);
    expect(last[2].logUrl).toBe(RUN.runUrl);
    expect(last[2].url).toBe('u2');
    expect(last[2].description.length).toBe(MAX_DESCRIPTION);
    expect(created).toEqual([[entry.key, 41]]);
  });

  it('warns once on a 403 and asks GitHub nothing more', async () => {
    const { api, calls } = fakeApi(() => {
      throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    });
    const { log, lines } = logs();
    const records = new GitHubDeployments(Promise.resolve(api), RUN, log);
    records.start([entry, { ...entry, key: 'other' }]);
    await records.finish(entry.key, { state: 'success', description: 'd', url: 'u' });
    await records.finish('other', { state: 'success', description: 'd', url: 'u' });
    // Both deployments were asked for at once; nothing after the refusal.
    expect(calls.map((c) => c[0])).toEqual(['deployment', 'deployment']);
    expect(lines.warning).toHaveLength(1);
    expect(lines.warning[0]).toContain('deployments: write');
    expect(lines.warning[0]).toContain('403');
  });

  it('warns once when the client cannot load, and tries nothing more', async () => {
    const { log, lines } = logs();
    const records = new GitHubDeployments(Promise.reject(new Error('no proxy support')), RUN, log);
    records.start([entry]);
    records.update(entry.key, { state: 'in_progress', description: 'd', url: 'u' });
    await records.finish(entry.key, { state: 'success', description: 'd', url: 'u' });
    expect(lines.warning).toEqual([expect.stringContaining('no proxy support')]);
  });

  it('warns on another error and still sends the later statuses', async () => {
    const { api, calls } = fakeApi((call) => {
      if (call === 'status in_progress') throw Object.assign(new Error('boom'), { status: 502 });
    });
    const { log, lines } = logs();
    const records = new GitHubDeployments(Promise.resolve(api), RUN, log);
    records.start([entry]);
    await records.finish(entry.key, { state: 'failure', description: 'd', url: 'u' });
    expect(calls.map((c) => c[0])).toEqual(['deployment', 'status', 'status']);
    expect(lines.warning).toEqual([expect.stringContaining('GitHub API 502: boom')]);
  });

  it('finish returns at its deadline even while an earlier call hangs', async () => {
    const { api } = fakeApi((call) => (call === 'deployment' ? new Promise(() => {}) : undefined));
    const { log } = logs();
    const records = new GitHubDeployments(Promise.resolve(api), RUN, log);
    records.start([entry]);
    const deadline = new AbortController();
    const done = records.finish(
      entry.key,
      { state: 'inactive', description: 'd', url: 'u' },
      deadline.signal,
    );
    let finished = false;
    void done.then(() => {
      finished = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(finished).toBe(false);
    deadline.abort();
    await done;
    expect(finished).toBe(true);
  });
});
