// The bundle under the runner protocol against the kinds of function Lambda added in 2025
// (docs/aws-semantics.md "Lambda in 2026: function kinds"): a Managed Instances function
// (its $LATEST never invocable, each new version Pending while its environments start), a
// durable function rolled back, a tenant-isolated smoke test, a state this action does not
// know, and a runtime Lambda no longer updates.
import { describe, expect, it } from 'vitest';
import { emulatorProcessForFile } from './emulator.ts';
import { ORDERS_INPUTS, runStep, seedOrdersGroup, workspaceWith } from './runner.ts';

const emu = await emulatorProcessForFile(120);

const CAPACITY_PROVIDER = 'arn:aws:lambda:us-east-1:123456789012:capacity-provider:orders-fleet';
const ROLE = 'arn:aws:iam::123456789012:role/orders-role';

/** A workspace with `app/index.js` returning `text`. */
const app = (text: string) =>
  workspaceWith({ 'app/index.js': `exports.handler = async () => ${JSON.stringify(text)};\n` });

async function orders(spec: Record<string, unknown> = {}): Promise<void> {
  await emu.createFunction({ name: 'orders', versions: 1, aliases: { live: '1' }, ...spec });
  await seedOrdersGroup(emu);
}

const errorLine = (stdout: string) => stdout.split('\n').find((l) => l.startsWith('::error::'));

async function mutatingCalls(): Promise<string[]> {
  return (await emu.calls()).filter((c) => c.mutating).map((c) => c.operation);
}

describe('Lambda Managed Instances', () => {
  it('canaries a new version only once its execution environments have started; nothing invokes $LATEST', async () => {
    await orders({ capacityProviderArn: CAPACITY_PROVIDER });
    // Two emulated minutes Pending (AWS: up to 15).
    await emu.setFunctionBehaviour('orders', { publishPendingMs: 120_000 });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: {
        ...ORDERS_INPUTS,
        'code-dir': 'app',
        strategy: 'Canary10Percent5Minutes',
        'smoke-test-payload': '{"ping": true}',
      },
      workspace: app('v2'),
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded', version: '2' });
    expect(run.stdout).toContain(
      `plan: Wait for the new version to start its execution environments on capacity provider ${CAPACITY_PROVIDER}`,
    );
    // The default budget grew by Lambda's 15 minutes: 5 (strategy) + room + 15.
    expect(run.stdout).toMatch(/and 15 minutes for Managed Instances to start the version/);
    const waiting = run.stdout.indexOf(
      `Version 2 is Pending (Creating: Lambda is starting the execution environments of the function version.); waiting for its execution environments on capacity provider ${CAPACITY_PROVIDER} to start`,
    );
    const active = run.stdout.indexOf('Version 2 is Active.');
    const smoke = run.stdout.indexOf('Smoke test passed on version 2.');
    expect(waiting).toBeGreaterThan(-1);
    expect(active).toBeGreaterThan(waiting);
    expect(smoke).toBeGreaterThan(active);
    const invoked = await emu.invocations('orders');
    expect(invoked.map((i) => i.qualifier)).toEqual(['2']);
    const [deployment] = await emu.deployments();
    expect(deployment).toMatchObject({ status: 'Succeeded' });
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '2', weights: {} });
    const world = (await emu.state()) as { lambda: { functions: { latest: { state: string } }[] } };
    expect(world.lambda.functions[0]!.latest.state).toBe('ActiveNonInvocable');
  });

  it('create-function waits for ActiveNonInvocable, not Active, then releases version 1', async () => {
    await seedOrdersGroup(emu);
    const config = {
      CapacityProviderConfig: {
        LambdaManagedInstancesCapacityProviderConfig: {
          CapacityProviderArn: CAPACITY_PROVIDER,
          PerExecutionEnvironmentMaxConcurrency: 64,
        },
      },
    };
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: {
        ...ORDERS_INPUTS,
        'code-dir': 'app',
        'create-function': 'true',
        'execution-role': ROLE,
        runtime: 'nodejs24.x',
        handler: 'index.handler',
        'function-configuration': JSON.stringify(config),
        strategy: 'AllAtOnce',
      },
      workspace: app('v1'),
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'created', version: '1' });
    expect(run.stdout).toContain(
      'Created function orders; waiting until Lambda reports it ActiveNonInvocable',
    );
    expect(run.stdout).toMatch(/Version 1 is Pending .*waiting for its execution environments/);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '1', weights: {} });
    const [version] = await emu.versions('orders');
    expect(version?.configuration['CapacityProviderConfig']).toEqual(config.CapacityProviderConfig);
  });
});

describe('durable functions', () => {
  it('a rolled-back release says running executions stay on the new version; the smoke test is qualified', async () => {
    await orders({ durable: true });
    await emu.createFunction({ name: 'CodeDeployHook_check' });
    await emu.setHook('CodeDeployHook_check', { result: 'Failed' });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: {
        ...ORDERS_INPUTS,
        'code-dir': 'app',
        strategy: 'AllAtOnce',
        'after-traffic-hook': 'CodeDeployHook_check',
        'smoke-test-payload': '{}',
      },
      workspace: app('v2'),
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'true', version: '2' });
    expect(run.summary).toContain(
      'orders is a durable function: the rollback returned new invocations to version 1 only. Durable executions that started on version 2 keep running on it until they end',
    );
    expect((await emu.invocations('orders')).map((i) => i.qualifier)).toEqual(['2']);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '1', weights: {} });
  });

  it('a cancelled release says so too, once the cancel has rolled it back', async () => {
    await orders({ durable: true });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...ORDERS_INPUTS, 'code-dir': 'app', strategy: 'Canary10Percent30Minutes' },
      workspace: app('v2'),
      cancelWhen: (line) => /traffic: 10%/.test(line),
    });
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'true', version: '2' });
    expect(run.summary).toContain(
      'orders is a durable function: the rollback returned new invocations to version 1 only. Durable executions that started on version 2 keep running on it until they end',
    );
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '1', weights: {} });
  });

  it('refuses a DurableConfig change before any change: Lambda sets it only at creation', async () => {
    await orders();
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: {
        ...ORDERS_INPUTS,
        'code-dir': 'app',
        'function-configuration': '{"DurableConfig": {"ExecutionTimeout": 3600}}',
      },
      workspace: app('v2'),
    });
    expect(run.exitCode).toBe(1);
    expect(errorLine(run.stdout)).toMatch(
      /CONFIG_CREATE_ONLY.*changes DurableConfig of `orders`, but Lambda takes DurableConfig only when a function is created/,
    );
    expect(await mutatingCalls()).toEqual([]);
  });
});

describe('tenant isolation', () => {
  const inputs = {
    ...ORDERS_INPUTS,
    'code-dir': 'app',
    strategy: 'AllAtOnce',
    'smoke-test-payload': '{"ping": true}',
  };

  it('refuses a smoke test without smoke-test-tenant-id before any change, naming the input', async () => {
    await orders({ tenantIsolation: true });
    const run = await runStep({ emulatorUrl: emu.url, inputs, workspace: app('v2') });
    expect(run.exitCode).toBe(1);
    expect(errorLine(run.stdout)).toMatch(
      /TENANT_ID_REQUIRED.*tenant isolation mode \(PER_TENANT\).*needs `smoke-test-tenant-id`/,
    );
    expect(await mutatingCalls()).toEqual([]);
  });

  it('smoke-tests the new version as the given tenant, then releases it', async () => {
    await orders({ tenantIsolation: true });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...inputs, 'smoke-test-tenant-id': 'tenant-42' },
      workspace: app('v2'),
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded', version: '2' });
    expect(run.stdout).toContain('Smoke test passed on version 2 as tenant tenant-42.');
    expect(await emu.invocations('orders')).toEqual([
      expect.objectContaining({ qualifier: '2', tenantId: 'tenant-42' }),
    ]);
  });
});

describe('function states', () => {
  it('waits out a state it does not know, names it in the log, and at the deadline', async () => {
    await orders();
    await emu.setFunctionBehaviour('orders', {
      reportState: { on: 'versions', state: 'Quiescing', reasonCode: 'Idle', fromVersion: 2 },
    });
    const run = await runStep({
      emulatorUrl: emu.url,
      // The action's clock is real: 0.05 minutes is 3 seconds.
      inputs: { ...ORDERS_INPUTS, 'code-dir': 'app', 'timeout-minutes': '0.05' },
      workspace: app('v2'),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      'Version 2 is Quiescing (Idle), a state this action does not know and never takes for ready; waiting',
    );
    expect(errorLine(run.stdout)).toMatch(
      /VERSION_NOT_ACTIVE.*Version 2 of `orders` was still Quiescing \(Idle\), a state this action does not know.*timeout-minutes/,
    );
    expect(await emu.invocations('orders')).toEqual([]);
    expect(await emu.deployments()).toEqual([]);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '1', weights: {} });
  });

  it('refuses a function Lambda is deleting before any change, with its state', async () => {
    await orders();
    await emu.setFunctionBehaviour('orders', {
      reportState: { on: '$LATEST', state: 'Deleting', reason: 'The function is being deleted.' },
    });
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...ORDERS_INPUTS, 'code-dir': 'app' },
      workspace: app('v2'),
    });
    expect(run.exitCode).toBe(1);
    expect(errorLine(run.stdout)).toMatch(
      /FUNCTION_DELETING.*`orders` is Deleting \(The function is being deleted\.\)/,
    );
    expect(await mutatingCalls()).toEqual([]);
  });
});

describe('the runtime calendar', () => {
  it("a runtime past its block date: Lambda's refusal names the cause and the `runtime` input, which fixes it", async () => {
    await orders({ runtime: 'python3.8' });
    const blocked = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...ORDERS_INPUTS, 'code-dir': 'app' },
      workspace: app('v2'),
    });
    expect(blocked.exitCode).toBe(1);
    const error = errorLine(blocked.stdout);
    expect(error).toContain(
      'Lambda UpdateFunctionCode failed while uploading the new code to $LATEST: InvalidParameterValueException: The runtime parameter of python3.8 is no longer supported',
    );
    expect(error).toContain('Set the `runtime` input to a supported runtime');
    expect(error).toContain('first release the runtime change alone (`runtime`, no code source)');
    // The log named the dates before anything was tried.
    expect(blocked.stdout).toContain('::warning::`python3.8` was deprecated on 2024-10-14');

    const moved = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...ORDERS_INPUTS, runtime: 'python3.13', strategy: 'AllAtOnce' },
    });
    expect(moved.exitCode).toBe(0);
    expect(moved.outputs).toMatchObject({ status: 'succeeded', version: '2' });
    expect((await emu.versions('orders')).at(-1)?.configuration['Runtime']).toBe('python3.13');
  });
});
