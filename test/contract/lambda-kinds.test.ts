// The emulator's models of the function kinds Lambda added in 2025, through the real SDK v3
// client (docs/aws-semantics.md "Lambda in 2026: function kinds", "Runtimes"): Managed
// Instances, durable functions, tenant isolation, SnapStart invoke errors, states a test
// makes Lambda report, and runtimes past their block dates.
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type LambdaClient,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/index.ts';
import { emptyZip, expectAwsError, until, useEmulator } from './helpers.ts';

let emu: Emulator;
let lambda: LambdaClient;

useEmulator(600, (env) => {
  lambda = env.noRetry.lambda;
  ({ emu } = env);
});

const PROVIDER = 'arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet';
const ROLE = 'arn:aws:iam::123456789012:role/orders-exec';
const ZIP = emptyZip();

const invoke = (Qualifier?: string, TenantId?: string) =>
  lambda.send(new InvokeCommand({ FunctionName: 'orders', Qualifier, TenantId, Payload: '{}' }));
const state = async (Qualifier?: string) => {
  const c = await lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: 'orders', Qualifier }),
  );
  return { State: c.State, StateReasonCode: c.StateReasonCode };
};
const create = (fields: Record<string, unknown>) =>
  lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'orders',
      Role: ROLE,
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Code: { ZipFile: ZIP },
      ...fields,
    }),
  );

describe('Managed Instances', () => {
  it('$LATEST is ActiveNonInvocable for good; a version is Pending while its environments start', async () => {
    emu.createFunction({ name: 'orders', capacityProviderArn: PROVIDER });
    emu.setFunctionBehaviour('orders', { publishPendingMs: 600_000 });
    expect(await state()).toEqual({ State: 'ActiveNonInvocable', StateReasonCode: undefined });
    await expectAwsError(invoke('$LATEST'), 'InvalidParameterValueException', 400, /\$LATEST/);
    await expectAwsError(invoke(), 'NoPublishedVersionException', 400);
    const v = await lambda.send(new PublishVersionCommand({ FunctionName: 'orders' }));
    expect({ State: v.State, StateReasonCode: v.StateReasonCode }).toEqual({
      State: 'Pending',
      StateReasonCode: 'Creating',
    });
    await expectAwsError(invoke('1'), 'ResourceConflictException', 409, /Pending/);
    await until(emu, async () => ((await state('1')).State === 'Active' ? true : undefined));
    expect((await invoke('1')).StatusCode).toBe(200);
    // An unqualified invoke runs the published version.
    expect((await invoke()).ExecutedVersion).toBe('1');
    expect((await state()).State).toBe('ActiveNonInvocable');
  });

  it('CreateFunction with a capacity provider settles in ActiveNonInvocable, and checks the ranges', async () => {
    const cp = (extra: Record<string, unknown>) => ({
      CapacityProviderConfig: {
        LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: PROVIDER, ...extra },
      },
    });
    await expectAwsError(
      create(cp({ PerExecutionEnvironmentMaxConcurrency: 1601 })),
      'ValidationException',
      400,
      /perExecutionEnvironmentMaxConcurrency.*less than or equal to 1600/,
    );
    await expectAwsError(
      create(cp({ ExecutionEnvironmentMemoryGiBPerVCpu: 1 })),
      'ValidationException',
      400,
      /executionEnvironmentMemoryGiBPerVCpu.*greater than or equal to 2/,
    );
    expect((await create(cp({ PerExecutionEnvironmentMaxConcurrency: 64 }))).State).toBe('Pending');
    await until(emu, async () => ((await state()).State === 'Pending' ? undefined : true));
    expect((await state()).State).toBe('ActiveNonInvocable');
  });

  it('a default function cannot gain a capacity provider', async () => {
    emu.createFunction({ name: 'orders' });
    await expectAwsError(
      lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'orders',
          CapacityProviderConfig: {
            LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: PROVIDER },
          },
        }),
      ),
      'InvalidParameterValueException',
      400,
      "CapacityProviderConfig isn't supported for Lambda Default functions.",
    );
  });
});

describe('durable functions and tenant isolation', () => {
  it('a durable function refuses an unqualified invoke and a DurableConfig change', async () => {
    emu.createFunction({ name: 'orders', versions: 1, durable: true });
    await expectAwsError(
      invoke(),
      'InvalidParameterValueException',
      400,
      'You cannot invoke a durable function using an unqualified ARN.',
    );
    expect((await invoke('1')).StatusCode).toBe(200);
    await expectAwsError(
      lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'orders',
          DurableConfig: { ExecutionTimeout: 60 },
        }),
      ),
      'InvalidParameterValueException',
      400,
      /only be set when the function is created/,
    );
  });

  it('a tenant-isolated function refuses an invoke without a tenant id, and reports its mode', async () => {
    emu.createFunction({ name: 'orders', versions: 1, tenantIsolation: true });
    await expectAwsError(invoke('1'), 'InvalidParameterValueException', 400, /tenant id/);
    expect((await invoke('1', 'tenant-7')).StatusCode).toBe(200);
    expect(emu.invocations('orders')).toEqual([
      expect.objectContaining({ version: '1', tenantId: 'tenant-7' }),
    ]);
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: 'orders' }));
    expect(fn.Configuration?.TenancyConfig).toEqual({ TenantIsolationMode: 'PER_TENANT' });
  });
});

describe('SnapStart invoke errors', () => {
  it.each([
    ['SnapStartNotReadyException', 409],
    ['SnapStartTimeoutException', 408],
    ['SnapStartException', 400],
    ['SnapStartRegenerationFailureException', 409],
  ] as const)('%s answers %i for as many invokes as the test set', async (error, status) => {
    emu.createFunction({ name: 'orders', versions: 1 });
    emu.setFunctionBehaviour('orders', { snapStartInvokeError: { error, times: 2 } });
    await expectAwsError(invoke('1'), error, status);
    await expectAwsError(invoke('1'), error, status);
    expect((await invoke('1')).StatusCode).toBe(200);
  });
});

describe('states a test makes Lambda report', () => {
  it('on $LATEST, or on the versions from a number on', async () => {
    emu.createFunction({ name: 'orders', versions: 2 });
    emu.setFunctionBehaviour('orders', {
      reportState: { on: 'versions', state: 'Quiescing', reasonCode: 'Idle', fromVersion: 2 },
    });
    expect(await state('1')).toEqual({ State: 'Active', StateReasonCode: undefined });
    expect(await state('2')).toEqual({ State: 'Quiescing', StateReasonCode: 'Idle' });
    expect((await state()).State).toBe('Active');
    emu.setFunctionBehaviour('orders', { reportState: { on: '$LATEST', state: 'Deleting' } });
    expect((await state()).State).toBe('Deleting');
  });
});

describe('runtimes past their block dates', () => {
  const blocked =
    /^The runtime parameter of python3\.8 is no longer supported for creating or updating AWS Lambda functions\./;

  it('refuses creating on them, and updating a function on them unless the update moves it off', async () => {
    await expectAwsError(
      create({ Runtime: 'python3.8' }),
      'InvalidParameterValueException',
      400,
      blocked,
    );
    emu.createFunction({ name: 'orders', runtime: 'python3.8' });
    await expectAwsError(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'orders', ZipFile: ZIP })),
      'InvalidParameterValueException',
      400,
      blocked,
    );
    await expectAwsError(
      lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'orders', Timeout: 9 })),
      'InvalidParameterValueException',
      400,
      blocked,
    );
    const moved = await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'orders', Runtime: 'python3.13' }),
    );
    expect(moved.Runtime).toBe('python3.13');
  });
});
