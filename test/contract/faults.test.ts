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
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectEmulator, type Emulator, startEmulator } from '../emulator/index.ts';
import { clients, credentials, expectAwsError } from './helpers.ts';

let emu: Emulator;
let lambda: LambdaClient;
let cd: CodeDeployClient;
let lambda1: LambdaClient;
let cd1: CodeDeployClient;

beforeAll(async () => {
  emu = await startEmulator({ timeScale: 600 });
  ({ lambda, cd } = clients(emu));
  ({ lambda: lambda1, cd: cd1 } = clients(emu, 1)); // no retries
});
afterAll(async () => {
  for (const c of [lambda, cd, lambda1, cd1]) c.destroy();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  emu.createFunction({ name: 'orders', versions: 2, aliases: { live: '1' } });
  emu.createApplication('app');
});

const ops = (service: string, operation: string) =>
  emu.calls.filter((c) => c.service === service && c.operation === operation);

describe('throttling', () => {
  it('Lambda: 429 TooManyRequestsException with Retry-After and Reason; the SDK retry absorbs it', async () => {
    emu.injectFault({ service: 'lambda', operation: 'GetFunction', kind: 'throttle', count: 1 });
    const e = await expectAwsError(
      lambda1.send(new GetFunctionCommand({ FunctionName: 'orders' })),
      'TooManyRequestsException',
      429,
      'Rate exceeded',
    );
    expect(e.raw['Reason']).toBe('CallerRateLimitExceeded');
    expect(e.raw['retryAfterSeconds']).toBe('1');

    // (Retry-After 0 keeps the test quick; the SDK's own throttling backoff still applies)
    emu.injectFault({
      service: 'lambda',
      operation: 'GetFunction',
      kind: 'throttle',
      count: 1,
      retryAfterSeconds: 0,
    });
    const ok = await lambda.send(new GetFunctionCommand({ FunctionName: 'orders' }));
    expect(ok.Configuration?.FunctionName).toBe('orders');
    expect(ok.$metadata.attempts).toBe(2);
    expect(ops('lambda', 'GetFunction').map((c) => [c.status, c.errorCode])).toEqual([
      [429, 'TooManyRequestsException'],
      [429, 'TooManyRequestsException'],
      [200, undefined],
    ]);
  });

  it('CodeDeploy: 400 ThrottlingException "Rate exceeded"; the SDK retry absorbs it', async () => {
    emu.injectFault({
      service: 'codedeploy',
      operation: 'GetApplication',
      kind: 'throttle',
      count: 1,
    });
    await expectAwsError(
      cd1.send(new GetApplicationCommand({ applicationName: 'app' })),
      'ThrottlingException',
      400,
      'Rate exceeded',
    );
    emu.injectFault({
      service: 'codedeploy',
      operation: 'GetApplication',
      kind: 'throttle',
      count: 1,
    });
    const ok = await cd.send(new GetApplicationCommand({ applicationName: 'app' }));
    expect(ok.application?.applicationName).toBe('app');
    expect(ok.$metadata.attempts).toBe(2);
    expect(ops('codedeploy', 'GetApplication').map((c) => c.status)).toEqual([400, 400, 200]);
    // other operations are not affected
    await cd.send(new ListDeploymentConfigsCommand({}));
    expect(ops('codedeploy', 'ListDeploymentConfigs').map((c) => c.status)).toEqual([200]);
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
