// Fault injection as each service sends it, the call log, the HTTP control API and the
// standalone CLI.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  type CodeDeployClient,
  GetApplicationCommand,
  ListDeploymentConfigsCommand,
} from '@aws-sdk/client-codedeploy';
import {
  GetAliasCommand,
  GetFunctionCommand,
  LambdaClient,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { connectEmulator, type Emulator } from '../emulator/index.ts';
import { credentials, expectAwsError, useEmulator } from './helpers.ts';

let emu: Emulator;
let lambda: LambdaClient;
let cd: CodeDeployClient;
let lambda1: LambdaClient;
let cd1: CodeDeployClient;

useEmulator(
  600,
  (env) => {
    ({ emu, lambda, cd } = env);
    ({ lambda: lambda1, cd: cd1 } = env.noRetry);
  },
  (e) => {
    e.createFunction({ name: 'orders', versions: 2, aliases: { live: '1' } });
    e.createApplication('app');
  },
);

const ops = (service: string, operation: string) =>
  emu.calls.filter((c) => c.service === service && c.operation === operation);

describe('throttling', () => {
  // The same throttle as each service sends it: once to a client without retries (the error
  // as the SDK shows it), once to a client with them (absorbed on the second attempt).
  it.each([
    {
      service: 'lambda',
      operation: 'GetFunction',
      code: 'TooManyRequestsException',
      status: 429,
      // Lambda names the reason and when to retry (Retry-After 0 on the second fault keeps
      // the test quick; the SDK's own throttling backoff still applies).
      raw: { Reason: 'CallerRateLimitExceeded', retryAfterSeconds: '1' },
      answer: { Configuration: { FunctionName: 'orders' } },
      retryAfterSeconds: 0,
      send: (noRetry: boolean) =>
        (noRetry ? lambda1 : lambda).send(new GetFunctionCommand({ FunctionName: 'orders' })),
      other: () => lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'live' })),
      otherOperation: 'GetAlias',
    },
    {
      service: 'codedeploy',
      operation: 'GetApplication',
      code: 'ThrottlingException',
      status: 400,
      raw: {},
      answer: { application: { applicationName: 'app' } },
      retryAfterSeconds: undefined,
      send: (noRetry: boolean) =>
        (noRetry ? cd1 : cd).send(new GetApplicationCommand({ applicationName: 'app' })),
      other: () => cd.send(new ListDeploymentConfigsCommand({})),
      otherOperation: 'ListDeploymentConfigs',
    },
  ] as const)('$service: $status $code "Rate exceeded"; the SDK retry absorbs it', async (t) => {
    const fault = {
      service: t.service,
      operation: t.operation,
      kind: 'throttle',
      count: 1,
    } as const;
    emu.injectFault(fault);
    const e = await expectAwsError(t.send(true), t.code, t.status, 'Rate exceeded');
    expect(e.raw).toMatchObject(t.raw);

    emu.injectFault({
      ...fault,
      ...(t.retryAfterSeconds !== undefined ? { retryAfterSeconds: t.retryAfterSeconds } : {}),
    });
    const ok = await t.send(false);
    expect(ok).toMatchObject(t.answer);
    expect(ok.$metadata.attempts).toBe(2);
    expect(ops(t.service, t.operation).map((c) => [c.status, c.errorCode])).toEqual([
      [t.status, t.code],
      [t.status, t.code],
      [200, undefined],
    ]);
    // other operations are not affected
    await t.other();
    expect(ops(t.service, t.otherOperation).map((c) => c.status)).toEqual([200]);
  });
});

describe('other faults', () => {
  it('500s and dropped connections are retried by the SDK', async () => {
    emu.injectFault({ service: 'lambda', kind: 'error500', count: 1 });
    emu.injectFault({ service: 'codedeploy', kind: 'drop', count: 1 });
    const a = await lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'live' }));
    expect(a.FunctionVersion).toBe('1');
    expect(a.$metadata.attempts).toBe(2);
    const g = await cd.send(new GetApplicationCommand({ applicationName: 'app' }));
    expect(g.$metadata.attempts).toBe(2);
    expect(ops('lambda', 'GetAlias').map((c) => [c.status, c.errorCode])).toEqual([
      [500, 'ServiceException'],
      [200, undefined],
    ]);
    expect(ops('codedeploy', 'GetApplication').map((c) => [c.status, c.errorCode])).toEqual([
      [0, 'ConnectionDropped'],
      [200, undefined],
    ]);
    await expectAwsError(
      (() => {
        emu.injectFault({ service: 'lambda', kind: 'error500', count: 1 });
        return lambda1.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'live' }));
      })(),
      'ServiceException',
      500,
    );
  });

  it('slow responses are delayed, rate 0 never fires, clearFaults removes all', async () => {
    emu.injectFault({
      service: 'lambda',
      operation: 'GetAlias',
      kind: 'slow',
      delayMs: 50,
      count: 1,
    });
    emu.injectFault({ kind: 'throttle', rate: 0 });
    const t0 = performance.now();
    await lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'live' }));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    emu.injectFault({ kind: 'error500' });
    emu.clearFaults();
    const ok = await lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'live' }));
    expect(ok.$metadata.attempts).toBe(1);
  });

  it('the call log marks mutating calls and uses emulated time', async () => {
    const before = emu.clock.now();
    await lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'live' }));
    await lambda.send(
      new UpdateAliasCommand({ FunctionName: 'orders', Name: 'live', FunctionVersion: '2' }),
    );
    await cd.send(new GetApplicationCommand({ applicationName: 'app' }));
    await expectAwsError(
      cd.send(new GetApplicationCommand({ applicationName: 'nope' })),
      'ApplicationDoesNotExistException',
      400,
    );
    expect(
      emu.calls.map((c) => [c.service, c.operation, c.status, c.mutating, c.errorCode]),
    ).toEqual([
      ['lambda', 'GetAlias', 200, false, undefined],
      ['lambda', 'UpdateAlias', 200, true, undefined],
      ['codedeploy', 'GetApplication', 200, false, undefined],
      ['codedeploy', 'GetApplication', 400, false, 'ApplicationDoesNotExistException'],
    ]);
    expect(emu.calls.every((c) => c.at >= before && c.at <= emu.clock.now())).toBe(true);
  });

  it('requests without a SigV4 Authorization header are refused', async () => {
    const res = await fetch(`${emu.url}/2015-03-31/functions/orders`);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });
});

describe('control over HTTP', () => {
  it('POST /__emulator/<op> with positional or named arguments', async () => {
    const remote = connectEmulator(emu.url);
    await remote.createFunction({ name: 'billing', versions: 1, aliases: { live: '1' } });
    expect(await remote.getAlias('billing', 'live')).toEqual({ version: '1', weights: {} });
    const named = await fetch(`${emu.url}/__emulator/setAlarm`, {
      method: 'POST',
      body: JSON.stringify({ name: 'billing-errors', state: 'ALARM' }),
    });
    expect(named.status).toBe(200);
    const state = (await remote.state()) as {
      engine: { alarms: Record<string, { state: string }> };
    };
    expect(state.engine.alarms['billing-errors']?.state).toBe('ALARM');
    const bad = await fetch(`${emu.url}/__emulator/nope`, { method: 'POST' });
    expect(bad.status).toBe(400);
    await expect(remote.setAlias('billing', 'live', '9')).rejects.toThrow();
    const clock = await remote.clock();
    expect(clock.scale).toBe(600);
  });
});

describe('standalone CLI', () => {
  it.each([
    { args: ['--help'], code: 0, stream: 'stdout' },
    { args: ['--no-such-option'], code: 2, stream: 'stderr' },
  ] as const)('$args prints the usage (time scale 1 by default) and exits $code', async (t) => {
    const child = spawn(process.execPath, ['test/emulator/cli.ts', ...t.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child[t.stream].on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(t.code);
    expect(out).toContain('Usage: npm run emulator -- [options]');
    expect(out).toContain('default 1: real time');
    // It names every service the emulator speaks, not only the first two it had.
    for (const service of ['Lambda', 'CodeDeploy', 'S3', 'STS', 'CloudWatch', 'OIDC'])
      expect(out).toContain(service);
    expect(out).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints its URL, serves the SDK, and exits on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['test/emulator/cli.ts', '--port', '0', '--time-scale', '60'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const rl = createInterface({ input: child.stdout });
      const [line] = (await once(rl, 'line')) as [string];
      const m = /^emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      expect(m).not.toBeNull();
      const url = m?.[1] ?? '';
      const remote = connectEmulator(url);
      await remote.createFunction({ name: 'remote-fn' });
      expect((await remote.clock()).scale).toBe(60);
      const client = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials });
      const fn = await client.send(new GetFunctionCommand({ FunctionName: 'remote-fn' }));
      expect(fn.Configuration?.FunctionArn).toBe(
        'arn:aws:lambda:us-east-1:123456789012:function:remote-fn',
      );
      client.destroy();
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
