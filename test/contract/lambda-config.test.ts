// Lambda's configuration calls as AWS answers them, through the real SDK v3 client:
// UpdateFunctionConfiguration, Architectures on UpdateFunctionCode, CreateFunction's Pending,
// and SnapStart versions (docs/aws-semantics.md "Function configuration", "Readiness").
import {
  CreateFunctionCommand,
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
  ({ emu, lambda } = env);
});

const ROLE = 'arn:aws:iam::123456789012:role/orders-exec';
const ZIP = emptyZip();

const config = (Qualifier?: string) =>
  lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders', Qualifier }));
const settled = () =>
  until(emu, async () => {
    const c = await config();
    return c.LastUpdateStatus === 'InProgress' || c.State === 'Pending' ? undefined : c;
  });
const update = (fields: Record<string, unknown>) =>
  lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'orders', ...fields }));

describe('UpdateFunctionConfiguration', () => {
  it('applies the fields given, InProgress then Successful, with a new RevisionId', async () => {
    emu.createFunction({ name: 'orders' });
    const before = await config();
    const out = await update({
      MemorySize: 512,
      Environment: { Variables: { STAGE: 'prod' } },
      Layers: ['arn:aws:lambda:us-east-1:123456789012:layer:deps:3'],
    });
    expect(out.LastUpdateStatus).toBe('InProgress');
    expect(out.RevisionId).not.toBe(before.RevisionId);
    const after = await settled();
    expect(after).toMatchObject({
      LastUpdateStatus: 'Successful',
      MemorySize: 512,
      Timeout: 3,
      Environment: { Variables: { STAGE: 'prod' } },
      Layers: [{ Arn: 'arn:aws:lambda:us-east-1:123456789012:layer:deps:3' }],
    });
    // The RevisionId moves again when the update finishes.
    expect(after.RevisionId).not.toBe(out.RevisionId);
  });

  it('moves RevisionId even with identical values, so PublishVersion cuts a new version', async () => {
    emu.createFunction({ name: 'orders', versions: 1 });
    const before = await config();
    await update({ MemorySize: before.MemorySize });
    const after = await settled();
    expect(after.RevisionId).not.toBe(before.RevisionId);
    const v = await lambda.send(new PublishVersionCommand({ FunctionName: 'orders' }));
    expect(v.Version).toBe('2');
  });

  it('Environment replaces the whole set', async () => {
    emu.createFunction({ name: 'orders' });
    await update({ Environment: { Variables: { A1: 'x', B2: 'y' } } });
    await settled();
    await update({ Environment: { Variables: { C3: 'z' } } });
    expect((await settled()).Environment).toEqual({ Variables: { C3: 'z' } });
  });

  it('answers 409 while an update is in progress, and 412 on a stale RevisionId', async () => {
    emu.createFunction({ name: 'orders' });
    emu.setFunctionBehaviour('orders', { updateDelayMs: 600_000 });
    const { RevisionId } = await config();
    await update({ Timeout: 10 });
    await expectAwsError(
      update({ Timeout: 11 }),
      'ResourceConflictException',
      409,
      /An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:orders/,
    );
    await settled();
    await expectAwsError(update({ Timeout: 12, RevisionId }), 'PreconditionFailedException', 412);
  });

  it.each([
    [
      'memory below 128',
      { MemorySize: 64 },
      'ValidationException',
      /at 'memorySize'.*greater than or equal to 128/,
    ],
    [
      'memory over 10240',
      { MemorySize: 10_241 },
      'ValidationException',
      /less than or equal to 10240/,
    ],
    [
      'timeout over 900',
      { Timeout: 901 },
      'ValidationException',
      /at 'timeout'.*less than or equal to 900/,
    ],
    [
      '/tmp below 512',
      { EphemeralStorage: { Size: 100 } },
      'ValidationException',
      /ephemeralStorage.size/,
    ],
    [
      'a reserved key',
      { Environment: { Variables: { AWS_REGION: 'x' } } },
      'InvalidParameterValueException',
      /reserved keys.*Reserved keys used in this request: AWS_REGION/,
    ],
    [
      'over 4 KB of variables',
      { Environment: { Variables: { BIG: 'x'.repeat(4100) } } },
      'InvalidParameterValueException',
      /exceeded the 4KB limit/,
    ],
  ])('refuses %s with Lambda’s error, changing nothing', async (_title, fields, name, message) => {
    emu.createFunction({ name: 'orders' });
    const before = await config();
    await expectAwsError(update(fields), name, 400, message);
    expect((await config()).RevisionId).toBe(before.RevisionId);
  });
});

describe('UpdateFunctionCode Architectures', () => {
  it('changes the architecture with the code', async () => {
    emu.createFunction({ name: 'orders' });
    await lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'orders',
        ZipFile: ZIP,
        Architectures: ['arm64'],
      }),
    );
    expect((await settled()).Architectures).toEqual(['arm64']);
  });
});

describe('CreateFunction', () => {
  const create = (extra: Record<string, unknown> = {}) =>
    lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'orders',
        Role: ROLE,
        Code: { ZipFile: ZIP },
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        ...extra,
      }),
    );

  it('is Pending, refuses updates and publishes meanwhile, then Active', async () => {
    emu.setFunctionBehaviour('orders', { createPendingMs: 600_000 });
    const out = await create({ MemorySize: 256, Architectures: ['arm64'] });
    expect(out).toMatchObject({ State: 'Pending', StateReasonCode: 'Creating', MemorySize: 256 });
    const pending =
      'The operation cannot be performed at this time. The function is currently in the following state: Pending';
    await expectAwsError(update({ Timeout: 5 }), 'ResourceConflictException', 409, pending);
    await expectAwsError(
      lambda.send(new PublishVersionCommand({ FunctionName: 'orders' })),
      'ResourceConflictException',
      409,
      pending,
    );
    const active = await settled();
    expect(active).toMatchObject({
      State: 'Active',
      LastUpdateStatus: 'Successful',
      Role: ROLE,
      Architectures: ['arm64'],
    });
  });

  it('refuses an existing name and a zip without runtime and handler', async () => {
    emu.createFunction({ name: 'orders' });
    await expectAwsError(create(), 'ResourceConflictException', 409, /Function already exist/);
    await expectAwsError(
      lambda.send(
        new CreateFunctionCommand({ FunctionName: 'other', Role: ROLE, Code: { ZipFile: ZIP } }),
      ),
      'InvalidParameterValueException',
      400,
      /Runtime and Handler are mandatory/,
    );
  });
});

describe('SnapStart versions', () => {
  /** A SnapStart version just published, and the emulated moment its PublishVersion went out. */
  async function snapStartVersion() {
    emu.createFunction({ name: 'orders' });
    await update({ SnapStart: { ApplyOn: 'PublishedVersions' } });
    await settled();
    const publishing = emu.clock.now();
    const v = await lambda.send(new PublishVersionCommand({ FunctionName: 'orders' }));
    return { v, publishing };
  }

  it('are Pending about 3 minutes, not invocable, then Active with OptimizationStatus On', async () => {
    const { v, publishing } = await snapStartVersion();
    expect(v.State).toBe('Pending');
    await expectAwsError(
      lambda.send(new InvokeCommand({ FunctionName: 'orders', Qualifier: v.Version })),
      'SnapStartNotReadyException',
      409,
    );
    const active = await until(emu, async () => {
      const c = await config(v.Version);
      return c.State === 'Pending' ? undefined : c;
    });
    // Seen Active no sooner than 3 minutes after it was published, whatever the machine's speed.
    expect(emu.clock.now() - publishing).toBeGreaterThanOrEqual(180_000);
    expect(active.State).toBe('Active');
    expect(active.SnapStart).toEqual({ ApplyOn: 'PublishedVersions', OptimizationStatus: 'On' });
  });

  it('can end Failed with a StateReason (control op)', async () => {
    emu.setFunctionBehaviour('orders', { snapStartFailure: 'Init raised an error.' });
    const { v } = await snapStartVersion();
    const failed = await until(emu, async () => {
      const c = await config(v.Version);
      return c.State === 'Pending' ? undefined : c;
    });
    expect(failed).toMatchObject({ State: 'Failed', StateReason: 'Init raised an error.' });
  });
});
