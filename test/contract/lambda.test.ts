// Lambda REST-JSON contract: what AWS answers, asserted through the real SDK v3 client.
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/index.ts';
import { emptyZip, expectAwsError, sha256Base64, until, useEmulator } from './helpers.ts';

let emu: Emulator;
let lambda: LambdaClient;

useEmulator(600, (env) => {
  ({ emu, lambda } = env);
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:orders';

async function waitUpdated(name: string) {
  return until(emu, async () => {
    const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    return Configuration?.LastUpdateStatus === 'InProgress' ? undefined : Configuration;
  });
}

describe('GetFunction / GetFunctionConfiguration', () => {
  it('returns the configuration with AWS formats, by name, ARN, partial ARN and qualified name', async () => {
    emu.createFunction({
      name: 'orders',
      code: 'console.log(1)',
      versions: 2,
      aliases: { live: '1' },
    });
    const byName = await lambda.send(new GetFunctionCommand({ FunctionName: 'orders' }));
    const c = byName.Configuration;
    expect(c?.FunctionName).toBe('orders');
    expect(c?.FunctionArn).toBe(ARN);
    expect(c?.Version).toBe('$LATEST');
    expect(c?.CodeSha256).toBe(sha256Base64('console.log(1)'));
    expect(c?.CodeSize).toBe('console.log(1)'.length);
    expect(c?.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(c?.RevisionId).toMatch(UUID);
    expect(c?.State).toBe('Active');
    expect(c?.LastUpdateStatus).toBe('Successful');
    expect(c?.PackageType).toBe('Zip');
    expect(byName.Code?.RepositoryType).toBe('S3');
    expect(byName.$metadata.httpStatusCode).toBe(200);

    for (const FunctionName of [ARN, '123456789012:function:orders']) {
      const r = await lambda.send(new GetFunctionCommand({ FunctionName }));
      expect(r.Configuration?.RevisionId).toBe(c?.RevisionId);
    }
    const qualified = await lambda.send(new GetFunctionCommand({ FunctionName: `${ARN}:1` }));
    expect(qualified.Configuration?.Version).toBe('1');
    expect(qualified.Configuration?.FunctionArn).toBe(`${ARN}:1`);
  });

  it('resolves a version or an alias qualifier, and 404s unknown ones', async () => {
    emu.createFunction({ name: 'orders', versions: 3, aliases: { live: '2' } });
    const v1 = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'orders', Qualifier: '1' }),
    );
    expect(v1.Version).toBe('1');
    expect(v1.Description).toBe('version 1');
    const live = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'orders', Qualifier: 'live' }),
    );
    expect(live.Version).toBe('2');
    expect(live.FunctionArn).toBe(`${ARN}:live`);
    const v3 = emu.versions('orders')[2];
    const latest = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'orders' }),
    );
    expect(latest.CodeSha256).toBe(v3?.codeSha256); // the last seeded version equals $LATEST

    await expectAwsError(
      lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders', Qualifier: '9' })),
      'ResourceNotFoundException',
      404,
      `Function not found: ${ARN}:9`,
    );
    await expectAwsError(
      lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })),
      'ResourceNotFoundException',
      404,
      'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope',
    );
    await expectAwsError(
      lambda.send(
        new GetFunctionCommand({
          FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders',
        }),
      ),
      'ResourceNotFoundException',
      404,
    );
  });
});

describe('UpdateFunctionCode', () => {
  it('goes InProgress → Successful, moves RevisionId twice, and refuses concurrent changes with 409', async () => {
    emu.createFunction({ name: 'orders', versions: 1 });
    // 2 emulated seconds (the default) are 3 real ms at this scale: stretch it (10 emulated
    // minutes, about 0.9 s real: the two calls below land inside it even on a loaded machine).
    emu.setFunctionBehaviour('orders', { updateDelayMs: 600_000 });
    const before = await lambda.send(new GetFunctionCommand({ FunctionName: 'orders' }));
    const zip = emptyZip(3);
    const upd = await lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'orders',
        ZipFile: zip,
        RevisionId: before.Configuration?.RevisionId,
      }),
    );
    expect(upd.$metadata.httpStatusCode).toBe(200);
    expect(upd.LastUpdateStatus).toBe('InProgress');
    expect(upd.Version).toBe('$LATEST');
    expect(upd.CodeSha256).toBe(sha256Base64(zip));
    expect(upd.CodeSize).toBe(zip.length);
    expect(upd.RevisionId).not.toBe(before.Configuration?.RevisionId);

    const inProgress = `The operation cannot be performed at this time. An update is in progress for resource: ${ARN}`;
    await expectAwsError(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'orders', ZipFile: zip })),
      'ResourceConflictException',
      409,
      inProgress,
    );
    await expectAwsError(
      lambda.send(new PublishVersionCommand({ FunctionName: 'orders' })),
      'ResourceConflictException',
      409,
      inProgress,
    );

    const done = await waitUpdated('orders');
    expect(done.LastUpdateStatus).toBe('Successful');
    // Spec 6.1: the RevisionId moves again when the update finishes.
    expect(done.RevisionId).not.toBe(upd.RevisionId);
    await expectAwsError(
      lambda.send(
        new PublishVersionCommand({ FunctionName: 'orders', RevisionId: upd.RevisionId }),
      ),
      'PreconditionFailedException',
      412,
    );
    const pub = await lambda.send(
      new PublishVersionCommand({
        FunctionName: 'orders',
        RevisionId: done.RevisionId,
        CodeSha256: upd.CodeSha256,
      }),
    );
    expect(pub.$metadata.httpStatusCode).toBe(201);
    expect(pub.Version).toBe('2');
  });

  it('rejects a stale RevisionId with 412, a non-zip with 400, and reports a configured failure', async () => {
    emu.createFunction({ name: 'orders' });
    await expectAwsError(
      lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: 'orders',
          ZipFile: emptyZip(),
          RevisionId: 'stale',
        }),
      ),
      'PreconditionFailedException',
      412,
    );
    await expectAwsError(
      lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: 'orders',
          ZipFile: Buffer.from('not a zip'),
        }),
      ),
      'InvalidParameterValueException',
      400,
    );
    await expectAwsError(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'orders' })),
      'InvalidParameterValueException',
      400,
    );
    emu.setFunctionBehaviour('orders', {
      updateFailure: 'Lambda was unable to configure your environment variables',
    });
    await lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'orders', ZipFile: emptyZip(1) }),
    );
    const failed = await waitUpdated('orders');
    expect(failed.LastUpdateStatus).toBe('Failed');
    expect(failed.LastUpdateStatusReason).toBe(
      'Lambda was unable to configure your environment variables',
    );
    // one shot: the next update succeeds
    await lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'orders', ZipFile: emptyZip(2) }),
    );
    expect((await waitUpdated('orders')).LastUpdateStatus).toBe('Successful');
  });

  it('derives image hashes deterministically; a Zip function refuses an image (S3 code: lambda-s3.test.ts)', async () => {
    emu.createFunction({ name: 'orders' });
    await expectAwsError(
      lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: 'orders',
          ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1',
        }),
      ),
      'InvalidParameterValueException',
      400,
    );

    emu.createFunction({ name: 'img', packageType: 'Image', versions: 1 });
    const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/img:2';
    const r = await lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'img', ImageUri: uri }),
    );
    expect(r.PackageType).toBe('Image');
    expect(r.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await waitUpdated('img');
    const g = await lambda.send(new GetFunctionCommand({ FunctionName: 'img' }));
    expect(g.Code?.RepositoryType).toBe('ECR');
    expect(g.Code?.ImageUri).toBe(uri);
    await expectAwsError(
      lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'img', ZipFile: emptyZip() })),
      'InvalidParameterValueException',
      400,
    );
  });
});

describe('PublishVersion', () => {
  it('returns the existing version while $LATEST is unchanged, a new one after any update', async () => {
    emu.createFunction({ name: 'orders', versions: 1 });
    const again = await lambda.send(
      new PublishVersionCommand({ FunctionName: 'orders', Description: 'ignored' }),
    );
    expect(again.$metadata.httpStatusCode).toBe(201);
    expect(again.Version).toBe('1');
    expect(again.Description).toBe('version 1');

    // Identical bytes still count as an update (spec 6.3).
    const zip = emptyZip(4);
    for (const expected of ['2', '3']) {
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'orders', ZipFile: zip }));
      await waitUpdated('orders');
      const p = await lambda.send(
        new PublishVersionCommand({ FunctionName: 'orders', Description: `release ${expected}` }),
      );
      expect(p.Version).toBe(expected);
      expect(p.Description).toBe(`release ${expected}`);
      const same = await lambda.send(new PublishVersionCommand({ FunctionName: 'orders' }));
      expect(same.Version).toBe(expected);
    }
    emu.updateCodeOutOfBand('orders', 'someone else');
    expect((await lambda.send(new PublishVersionCommand({ FunctionName: 'orders' }))).Version).toBe(
      '4',
    );
    expect(emu.versions('orders').map((v) => v.description)).toEqual([
      'version 1',
      'release 2',
      'release 3',
      '',
    ]);
  });

  it('rejects a CodeSha256 that differs from $LATEST with AWS text', async () => {
    emu.createFunction({ name: 'orders', code: 'abc' });
    const actual = sha256Base64('abc');
    await expectAwsError(
      lambda.send(new PublishVersionCommand({ FunctionName: 'orders', CodeSha256: 'wrong' })),
      'InvalidParameterValueException',
      400,
      `CodeSHA256 (wrong) is different from current CodeSHA256 in $LATEST (${actual}). Please try again with the CodeSHA256 in $LATEST.`,
    );
    await expectAwsError(
      lambda.send(new PublishVersionCommand({ FunctionName: 'orders', RevisionId: 'nope' })),
      'PreconditionFailedException',
      412,
    );
  });

  it('can start versions in State Pending; invoking them is a 409', async () => {
    emu.createFunction({ name: 'orders' });
    emu.setFunctionBehaviour('orders', { publishPendingMs: 600_000 });
    const p = await lambda.send(new PublishVersionCommand({ FunctionName: 'orders' }));
    expect(p.State).toBe('Pending');
    await expectAwsError(
      lambda.send(new InvokeCommand({ FunctionName: 'orders', Qualifier: p.Version })),
      'ResourceConflictException',
      409,
      'The operation cannot be performed at this time. The function is currently in the following state: Pending',
    );
    const active = await until(emu, async () => {
      const c = await lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: 'orders', Qualifier: p.Version }),
      );
      return c.State === 'Active' ? c : undefined;
    });
    expect(active.Version).toBe('1');
  });
});

describe('ListVersionsByFunction', () => {
  it('pages with Marker / NextMarker, at most 50 per page, $LATEST first', async () => {
    emu.createFunction({ name: 'orders', versions: 60 });
    const first = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: 'orders', MaxItems: 500 }),
    );
    expect(first.Versions).toHaveLength(50);
    expect(first.Versions?.[0]?.Version).toBe('$LATEST');
    expect(first.NextMarker).toBeDefined();
    const second = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: 'orders', Marker: first.NextMarker }),
    );
    expect(second.Versions).toHaveLength(11);
    expect(second.Versions?.at(-1)?.Version).toBe('60');
    expect(second.NextMarker).toBeUndefined();
    const small = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: 'orders', MaxItems: 2 }),
    );
    expect(small.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1']);
  });
});

describe('aliases', () => {
  const aliasArn = `${ARN}:live`;

  it('CreateAlias 201, 409 when it exists, 404 for an unknown version; GetAlias 404 text', async () => {
    emu.createFunction({ name: 'orders', versions: 2 });
    const created = await lambda.send(
      new CreateAliasCommand({
        FunctionName: 'orders',
        Name: 'live',
        FunctionVersion: '1',
        Description: 'prod',
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created).toMatchObject({
      AliasArn: aliasArn,
      Name: 'live',
      FunctionVersion: '1',
      Description: 'prod',
    });
    expect(created.RevisionId).toMatch(UUID);
    await expectAwsError(
      lambda.send(
        new CreateAliasCommand({ FunctionName: 'orders', Name: 'live', FunctionVersion: '2' }),
      ),
      'ResourceConflictException',
      409,
      `Alias already exists: ${aliasArn}`,
    );
    await expectAwsError(
      lambda.send(
        new CreateAliasCommand({ FunctionName: 'orders', Name: 'beta', FunctionVersion: '7' }),
      ),
      'ResourceNotFoundException',
      404,
      `Function not found: ${ARN}:7`,
    );
    await expectAwsError(
      lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'beta' })),
      'ResourceNotFoundException',
      404,
      `Cannot find alias arn: ${ARN}:beta`,
    );
    const got = await lambda.send(new GetAliasCommand({ FunctionName: ARN, Name: 'live' }));
    expect(got.FunctionVersion).toBe('1');
    expect(got.RoutingConfig).toBeUndefined();
  });

  it('UpdateAlias: weights set, kept when RoutingConfig is omitted, cleared by {}', async () => {
    emu.createFunction({ name: 'orders', versions: 3, aliases: { live: '1' } });
    const r0 = (await lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'live' })))
      .RevisionId;
    const w = await lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'orders',
        Name: 'live',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } },
        RevisionId: r0,
      }),
    );
    expect(w.RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 0.25 });
    expect(w.RevisionId).not.toBe(r0);
    const kept = await lambda.send(
      new UpdateAliasCommand({ FunctionName: 'orders', Name: 'live', Description: 'd' }),
    );
    expect(kept.RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 0.25 });
    expect(kept.RevisionId).not.toBe(w.RevisionId);
    await expectAwsError(
      lambda.send(
        new UpdateAliasCommand({
          FunctionName: 'orders',
          Name: 'live',
          FunctionVersion: '3',
          RevisionId: r0,
        }),
      ),
      'PreconditionFailedException',
      412,
    );
    const cleared = await lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'orders',
        Name: 'live',
        FunctionVersion: '2',
        RoutingConfig: { AdditionalVersionWeights: {} },
      }),
    );
    expect(cleared.FunctionVersion).toBe('2');
    expect(cleared.RoutingConfig).toBeUndefined();
    expect(emu.aliasHistory('orders', 'live').map((h) => [h.version, h.weights])).toEqual([
      ['1', {}],
      ['1', { '2': 0.25 }],
      ['1', { '2': 0.25 }],
      ['2', {}],
    ]);
  });

  it('UpdateAlias validation: $LATEST with weights, same version, weight range, unknown versions', async () => {
    emu.createFunction({ name: 'orders', versions: 2, aliases: { live: '1', dev: '$LATEST' } });
    await expectAwsError(
      lambda.send(
        new UpdateAliasCommand({
          FunctionName: 'orders',
          Name: 'dev',
          RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } },
        }),
      ),
      'InvalidParameterValueException',
      400,
      '$LATEST is not supported for an alias pointing to more than 1 version',
    );
    await expectAwsError(
      lambda.send(
        new UpdateAliasCommand({
          FunctionName: 'orders',
          Name: 'live',
          RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } },
        }),
      ),
      'InvalidParameterValueException',
      400,
      'Invalid function version 1. Function version 1 is already included in routing configuration.',
    );
    await expectAwsError(
      lambda.send(
        new UpdateAliasCommand({
          FunctionName: 'orders',
          Name: 'live',
          RoutingConfig: { AdditionalVersionWeights: { '2': 1.5 } },
        }),
      ),
      'ValidationException',
      400,
      /^1 validation error detected: Value '\{2=1.5\}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint/,
    );
    await expectAwsError(
      lambda.send(
        new UpdateAliasCommand({
          FunctionName: 'orders',
          Name: 'live',
          RoutingConfig: { AdditionalVersionWeights: { '5': 0.5 } },
        }),
      ),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      lambda.send(
        new UpdateAliasCommand({ FunctionName: 'orders', Name: 'live', FunctionVersion: 'latest' }),
      ),
      'ValidationException',
      400,
    );
    await expectAwsError(
      lambda.send(
        new UpdateAliasCommand({ FunctionName: 'orders', Name: 'nope', FunctionVersion: '1' }),
      ),
      'ResourceNotFoundException',
      404,
    );
  });

  it('ListAliases and DeleteAlias (204)', async () => {
    emu.createFunction({
      name: 'orders',
      versions: 2,
      aliases: { live: '2', beta: '1', canary: '2' },
    });
    const all = await lambda.send(new ListAliasesCommand({ FunctionName: 'orders' }));
    expect(all.Aliases?.map((a) => a.Name)).toEqual(['beta', 'canary', 'live']);
    const onTwo = await lambda.send(
      new ListAliasesCommand({ FunctionName: 'orders', FunctionVersion: '2' }),
    );
    expect(onTwo.Aliases?.map((a) => a.Name)).toEqual(['canary', 'live']);
    const del = await lambda.send(new DeleteAliasCommand({ FunctionName: 'orders', Name: 'beta' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await expectAwsError(
      lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'beta' })),
      'ResourceNotFoundException',
      404,
    );
  });
});

describe('Invoke', () => {
  it('answers the configured payload, or a function error with X-Amz-Function-Error', async () => {
    emu.createFunction({ name: 'orders', versions: 2, aliases: { live: '2' } });
    emu.setFunctionBehaviour('orders', { invoke: { payload: '{"ok":true}' } });
    const ok = await lambda.send(
      new InvokeCommand({
        FunctionName: 'orders',
        Qualifier: 'live',
        Payload: Buffer.from('{"smoke":1}'),
      }),
    );
    expect(ok.StatusCode).toBe(200);
    expect(ok.FunctionError).toBeUndefined();
    expect(ok.ExecutedVersion).toBe('2');
    expect(Buffer.from(ok.Payload ?? []).toString()).toBe('{"ok":true}');

    emu.setFunctionBehaviour('orders', {
      invoke: { functionError: 'boom', errorType: 'TypeError' },
    });
    const bad = await lambda.send(
      new InvokeCommand({ FunctionName: 'orders', Qualifier: '1', Payload: Buffer.from('{}') }),
    );
    expect(bad.StatusCode).toBe(200);
    expect(bad.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(bad.Payload ?? []).toString())).toEqual({
      errorMessage: 'boom',
      errorType: 'TypeError',
    });
    const event = await lambda.send(
      new InvokeCommand({
        FunctionName: 'orders',
        InvocationType: 'Event',
        Payload: Buffer.from('{}'),
      }),
    );
    expect(event.StatusCode).toBe(202);
    expect(emu.invocations('orders').map((i) => [i.version, i.payload])).toEqual([
      ['2', '{"smoke":1}'],
      ['1', '{}'],
      ['$LATEST', '{}'],
    ]);
    await expectAwsError(
      lambda.send(new InvokeCommand({ FunctionName: 'orders', Payload: Buffer.from('{not json') })),
      'InvalidRequestContentException',
      400,
    );
    await expectAwsError(
      lambda.send(new InvokeCommand({ FunctionName: 'orders', Qualifier: 'nope' })),
      'ResourceNotFoundException',
      404,
    );
  });
});
