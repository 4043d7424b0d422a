// Faults and races against the emulator's fault injection: the release runs in process through
// the real SDK clients. Every test ends by reading the world back: where the alias is, how
// many versions exist (exactly one new one when code was published, none when it was
// refused), and how many deployments the release created (at most one, rollbacks aside).
//
// Time scale: 60 (one emulated minute per real second), not 600. The SDK's retry backoff and
// request timeout run on real time: at 600, one 1 s throttling backoff would be 10 emulated
// minutes, a whole AllAtOnce timeout, and the test would measure that artefact instead of the
// action. Where retries run long, `timeout-minutes: 30` keeps the watch deadline out of the
// way for the same reason.

import {
  CodeDeployClient,
  CreateDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.ts';
import { CodeDeployApi } from '../../src/aws/codedeploy.ts';
import { type AliasInfo, LambdaApi } from '../../src/aws/lambda.ts';
import { appSpec, sha256Hex } from '../../src/release/deploy.ts';
import type { ReleaseDeps } from '../../src/release/deps.ts';
import type { ProgressEvent } from '../../src/release/result.ts';
import { failureMessage } from '../../src/report/failure.ts';
import { renderSummary } from '../../src/report/summary.ts';
import type { Emulator } from '../emulator/index.ts';
import { emulatorForFile } from '../integration/emulator.ts';
import {
  ALIAS,
  APP,
  codeDir,
  FN,
  GROUP,
  mutating,
  runRelease,
  runWithFailingHook,
  seed,
  startOtherDeployment,
  twoAttemptApis,
} from '../integration/harness.ts';
import { emulatorClientOptions } from '../scaled-retry.ts';

const emu = await emulatorForFile(60);

/** The description the harness's settings give every deployment of ours. */
const OURS = 'acme/orders@0123456 run 42';
// The slow-response tests run with a 2.5 s request timeout, not the harness's 5 s: each slow
// answer is waited out in real time, and a margin of 2.5 s still keeps the emulator's ordinary
// answers (milliseconds) far inside it.
const TIMEOUT_MS = 2_500;
const SLOW_MS = 3_000; // above TIMEOUT_MS
const LONG = { 'timeout-minutes': '30' };

function ourDeployments() {
  return emu.deployments().filter((d) => d.creator === 'user' && d.description === OURS);
}

/** The state of the world after a run, read back from the emulator. */
function expectWorld(o: {
  alias: { version: string; weights?: Record<string, number> };
  versions: number;
  deployments: number;
}) {
  expect(emu.getAlias(FN, ALIAS)).toEqual({
    version: o.alias.version,
    weights: o.alias.weights ?? {},
  });
  expect(emu.versions(FN)).toHaveLength(o.versions);
  expect(ourDeployments()).toHaveLength(o.deployments);
  // Never two copies of the same code as versions.
  const shas = emu.versions(FN).map((v) => v.codeSha256);
  expect(new Set(shas).size).toBe(shas.length);
}

function clients() {
  return createClients(emulatorClientOptions(emu, { requestTimeoutMs: 5_000 }));
}

function retries(events: ProgressEvent[], operation: string) {
  return events.filter(
    (e): e is Extract<ProgressEvent, { kind: 'retry' }> =>
      e.kind === 'retry' && e.operation === operation,
  );
}

/** Waits (emulated time, in small steps) until `cond` holds; fails after `maxMs`. */
async function until(cond: () => boolean, maxMs = 10 * 60_000): Promise<void> {
  const end = emu.clock.now() + maxMs;
  while (!cond()) {
    if (emu.clock.now() > end) throw new Error('condition not met in time');
    await emu.clock.sleep(1_000);
  }
}

/** A release of v2, all at once with a long timeout, that goes through despite the faults. */
async function allAtOnceSucceeds() {
  const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce', ...LONG });
  expect(run.result.cause).toBeUndefined();
  expect(run.result.status).toBe('succeeded');
  return run;
}

const callsOf = (calls: Emulator['calls'], operation: string) =>
  calls.filter((c) => c.operation === operation);

// ---------------------------------------------------------------------------------------------

describe('throttling, 500s, dropped connections and slow responses', () => {
  // The two calls that change something are hit for sure; the rest at `rate`. Throttled at
  // least once, the changing call still happens exactly once.
  it.each([
    {
      service: 'lambda',
      status: 429,
      code: 'TooManyRequestsException',
      sure: ['UpdateFunctionCode', 'PublishVersion'],
      // (Retry-After 0 on the random ones keeps the test quick; the SDK's own throttling
      // backoff still applies, and the sure ones carry Lambda's usual Retry-After: 1.)
      random: { retryAfterSeconds: 0 },
      once: { operation: 'PublishVersion', status: 201 },
    },
    {
      service: 'codedeploy',
      status: 400,
      code: 'ThrottlingException',
      sure: ['CreateDeployment', 'GetDeployment'],
      random: {},
      once: { operation: 'CreateDeployment', status: 200 },
    },
  ] as const)(
    '30% of $service calls throttled ($status $code)',
    async (t) => {
      seed(emu);
      for (const operation of t.sure)
        emu.injectFault({ service: t.service, operation, kind: 'throttle', count: 1 });
      emu.injectFault({ service: t.service, kind: 'throttle', rate: 0.3, ...t.random });
      const run = await allAtOnceSucceeds();
      const throttled = run.calls.filter((c) => c.errorCode === t.code);
      expect(throttled.length).toBeGreaterThanOrEqual(2);
      expect(throttled.every((c) => c.service === t.service && c.status === t.status)).toBe(true);
      const statuses = callsOf(run.calls, t.once.operation).map((c) => c.status);
      expect(statuses[0]).toBe(t.status);
      expect(statuses.filter((s) => s === t.once.status)).toEqual([t.once.status]);
      expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
    },
    120_000,
  );

  // One sure hit on each service, the rest at 20%: both services are hit, each as it sends
  // that fault, and the release goes through.
  it.each([
    {
      kind: 'error500',
      sure: ['PublishVersion', 'CreateDeployment'],
      hits: ['lambda:ServiceException', 'codedeploy:InternalFailure'],
    },
    {
      kind: 'drop',
      sure: ['UpdateFunctionCode', 'CreateDeployment'],
      hits: ['lambda:ConnectionDropped', 'codedeploy:ConnectionDropped'],
    },
  ] as const)(
    '$kind on both services',
    async (t) => {
      seed(emu);
      for (const operation of t.sure) emu.injectFault({ operation, kind: t.kind, count: 1 });
      emu.injectFault({ kind: t.kind, rate: 0.2 });
      const run = await allAtOnceSucceeds();
      const hit = run.calls.filter((c) => c.status === 500 || c.status === 0);
      expect(new Set(hit.map((c) => `${c.service}:${c.errorCode}`))).toEqual(new Set(t.hits));
      for (const operation of t.sure) expect(hit.map((c) => c.operation)).toContain(operation);
      expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
    },
    60_000,
  );

  it('Lambda responses slower than the client timeout: retried, no second version', async () => {
    seed(emu);
    // The slow request is still applied when it finally arrives, after the retry: $LATEST is
    // unchanged since the retry's publish, so Lambda hands back the same version.
    emu.injectFault({ operation: 'PublishVersion', kind: 'slow', delayMs: SLOW_MS, count: 1 });
    const run = await runRelease(
      emu,
      { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce', ...LONG },
      {},
      TIMEOUT_MS,
    );
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(run.outputs.version).toBe('2');
    // The straggler lands (the emulator logs a call when it answers it).
    await until(() => callsOf(emu.calls, 'PublishVersion').length === 2);
    expect(callsOf(emu.calls, 'PublishVersion').map((c) => c.status)).toEqual([201, 201]);
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  }, 60_000);

  it('CodeDeploy responses slower than the client timeout: retried, one deployment', async () => {
    seed(emu);
    emu.injectFault({ operation: 'CreateDeployment', kind: 'slow', delayMs: SLOW_MS, count: 1 });
    emu.injectFault({ operation: 'GetDeployment', kind: 'slow', delayMs: SLOW_MS, count: 1 });
    // The deployment outlasts the straggler (1 emulated minute, 1 s here), as any real one
    // outlasts a few seconds; see the todo below for what happens when it does not.
    const run = await runRelease(
      emu,
      { 'code-dir': codeDir('v2'), strategy: 'canary 10% 1m', ...LONG },
      {},
      TIMEOUT_MS,
    );
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    await until(() => callsOf(emu.calls, 'CreateDeployment').length === 2);
    // The late original found the group busy with the retry's deployment: refused, harmless.
    expect(callsOf(emu.calls, 'CreateDeployment').map((c) => c.errorCode ?? c.status)).toEqual([
      200,
      'DeploymentLimitExceededException',
    ]);
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  }, 60_000);

  it('a response that never comes within the timeout is abandoned, not waited for forever', async () => {
    seed(emu);
    // 20 s: far past the clients' 2.5 s. Without throwOnRequestTimeout the SDK only logs a
    // warning at 2.5 s and the release sits on this one call until it is answered.
    // (The straggler lands later, during another test: a read, harmless there.)
    emu.injectFault({ operation: 'GetAlias', kind: 'slow', delayMs: 20_000, count: 1 });
    const started = performance.now();
    const run = await runRelease(
      emu,
      { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce', ...LONG },
      {},
      TIMEOUT_MS,
    );
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  }, 60_000);

  it('calls that legitimately take long are waited for, not sent twice: a big upload, a slow smoke test', async () => {
    seed(emu);
    emu.setFunctionBehaviour(FN, { invoke: { payload: '{"ok":true}' } });
    // Each takes 3 s, longer than the clients' request timeout: a 50 MB zip on a slow
    // uplink, a function that runs a while (Lambda allows 15 minutes). A retried upload would
    // be refused (412) and reported as someone else's change; a retried Invoke would run the
    // smoke test, and its side effects, twice.
    emu.injectFault({ operation: 'UpdateFunctionCode', kind: 'slow', delayMs: SLOW_MS, count: 1 });
    emu.injectFault({ operation: 'Invoke', kind: 'slow', delayMs: SLOW_MS, count: 1 });
    const started = performance.now();
    const run = await runRelease(
      emu,
      {
        'code-dir': codeDir('v2'),
        strategy: 'AllAtOnce',
        'smoke-test-payload': '{"ping":true}',
        ...LONG,
      },
      {},
      TIMEOUT_MS,
    );
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    // It waited for both answers (retries would have come back sooner).
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * SLOW_MS);
    expect(callsOf(emu.calls, 'UpdateFunctionCode').map((c) => c.status)).toEqual([200]);
    expect(callsOf(emu.calls, 'Invoke')).toHaveLength(1);
    expect(emu.invocations(FN).filter((i) => i.source === 'api')).toHaveLength(1);
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  }, 60_000);

  // CreateDeployment has no idempotency token, so the action sends it without SDK retries and,
  // when an attempt fails, looks for a deployment with its exact AppSpec before retrying.
  it('a CreateDeployment that CodeDeploy applied but whose answer was lost is adopted, not repeated', async () => {
    seed(emu);
    const m = meddling();
    m.codedeploy.loseCreateAnswer = true;
    const run = await runRelease(
      emu,
      { 'code-dir': codeDir('v2'), strategy: 'canary 10% 1m' },
      m.deps,
    );
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(callsOf(run.calls, 'CreateDeployment')).toHaveLength(1);
    expect(run.outputs['deployment-id']).toBe(ourDeployments()[0]!.deploymentId);
    expect(run.events).toContainEqual(
      expect.objectContaining({
        kind: 'info',
        message: expect.stringMatching(/answer was lost.*is this release's/),
      }),
    );
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  });

  it('DeploymentLimitExceeded naming our own deployment (a lost answer, then a retry) is adopted too', async () => {
    seed(emu);
    const m = meddling();
    m.codedeploy.loseCreateAnswer = true;
    m.codedeploy.retryAfterLoss = true;
    const run = await runRelease(
      emu,
      { 'code-dir': codeDir('v2'), strategy: 'canary 10% 1m', 'if-busy': 'fail' },
      m.deps,
    );
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(callsOf(run.calls, 'CreateDeployment').map((c) => c.errorCode ?? c.status)).toEqual([
      200,
      'DeploymentLimitExceededException',
    ]);
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  });

  // An UpdateFunctionCode that Lambda applied but whose answer was lost is retried by the SDK
  // with the same RevisionId and refused (412): $LATEST then holds our code, so it is ours.
  it("an upload whose answer was lost is recognised as ours (same CodeSha256), not as someone else's change", async () => {
    seed(emu);
    const m = meddling();
    m.lambda.repeatUpload = true;
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce' }, m.deps);
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    // The repeat meets the update in progress (409, waited out), then the moved RevisionId (412).
    const answers = callsOf(run.calls, 'UpdateFunctionCode').map((c) => c.errorCode ?? c.status);
    expect(answers[0]).toBe(200);
    expect(answers.at(-1)).toBe('PreconditionFailedException');
    expect(new Set(answers.slice(1, -1))).toEqual(
      new Set(answers.length > 2 ? ['ResourceConflictException'] : []),
    );
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  });
});

// ---------------------------------------------------------------------------------------------

describe('Lambda update faults', () => {
  it('UpdateFunctionCode ends with LastUpdateStatus Failed: the reason, nothing published', async () => {
    seed(emu);
    emu.setFunctionBehaviour(FN, {
      updateFailure: 'The unzipped size must be smaller than 262144000 bytes.',
      updateFailureCode: 'InvalidCodeSize',
    });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2') });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause!.code).toBe('CODE_UPDATE_FAILED');
    expect(run.result.cause!.message).toContain(
      'The unzipped size must be smaller than 262144000 bytes.',
    );
    expect(run.result.cause!.message).toMatch(/Nothing was published and no traffic moved/);
    expect(mutating(run.calls)).toEqual(['UpdateFunctionCode']);
    expect(run.outputs.version).toBeUndefined();
    expectWorld({ alias: { version: '1' }, versions: 1, deployments: 0 });
  });

  it('the conflict fault is Lambda’s 409 ResourceConflictException as AWS sends it', async () => {
    seed(emu);
    emu.injectFault({ operation: 'PublishVersion', kind: 'conflict', count: 1 });
    const { lambda } = createClients(emulatorClientOptions(emu, { maxAttempts: 1 }));
    const error = await new LambdaApi(lambda)
      .publishVersion(FN, { codeSha256: '', revisionId: '', description: '' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ResourceConflictException',
      Type: 'User',
      message: `The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:${emu.region}:${emu.accountId}:function:${FN}`,
      $metadata: { httpStatusCode: 409 },
    });
    // CodeDeploy has no such error: a conflict fault never matches its calls.
    emu.injectFault({ service: 'codedeploy', kind: 'conflict' });
    expect(
      await new CodeDeployApi(createClients(emulatorClientOptions(emu)).codedeploy).getApplication(
        APP,
      ),
    ).toEqual({ computePlatform: 'Lambda' });
  });

  it('409 "update in progress" on UpdateFunctionCode: waits and retries', async () => {
    seed(emu);
    emu.injectFault({ operation: 'UpdateFunctionCode', kind: 'conflict', count: 3 });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce' });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(callsOf(run.calls, 'UpdateFunctionCode').map((c) => c.status)).toEqual([
      409, 409, 409, 200,
    ]);
    const waits = retries(run.events, 'UpdateFunctionCode');
    expect(waits.map((w) => w.reason)).toEqual(Array(3).fill('ResourceConflictException'));
    // It waits longer each time (1 s, 2 s, 4 s), on the release's clock.
    expect(waits.map((w) => w.delayMs)).toEqual([1_000, 2_000, 4_000]);
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  });

  it('409 "update in progress" on PublishVersion: waits and retries, one version', async () => {
    seed(emu);
    emu.injectFault({ operation: 'PublishVersion', kind: 'conflict', count: 2 });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce' });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(callsOf(run.calls, 'PublishVersion').map((c) => c.status)).toEqual([409, 409, 201]);
    expect(retries(run.events, 'PublishVersion')).toHaveLength(2);
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  });

  it('409 that never clears: gives up after its attempts with the conflict named, nothing published', async () => {
    seed(emu);
    emu.injectFault({ operation: 'PublishVersion', kind: 'conflict' });
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce' });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause!.code).toBe('ResourceConflictException');
    expect(run.result.cause!.message).toMatch(/An update is in progress/);
    expect(callsOf(run.calls, 'PublishVersion')).toHaveLength(8);
    expectWorld({ alias: { version: '1' }, versions: 1, deployments: 0 });
  });
});

// ---------------------------------------------------------------------------------------------

/** A LambdaApi that lets a test act just before one of its calls, once. */
class MeddlingLambda extends LambdaApi {
  before: Partial<Record<'updateCode' | 'publishVersion' | 'getAlias', () => void>> = {};
  afterGetAlias?: (alias: AliasInfo | undefined) => void;
  private once(name: keyof MeddlingLambda['before']) {
    const f = this.before[name];
    delete this.before[name];
    f?.();
  }
  /** The first upload is applied, its answer lost, and the SDK sends it again. */
  repeatUpload = false;
  override async updateCode(...a: Parameters<LambdaApi['updateCode']>) {
    this.once('updateCode');
    if (this.repeatUpload) {
      this.repeatUpload = false;
      await super.updateCode(...a);
    }
    return super.updateCode(...a);
  }
  override publishVersion(...a: Parameters<LambdaApi['publishVersion']>) {
    this.once('publishVersion');
    return super.publishVersion(...a);
  }
  override async getAlias(...a: Parameters<LambdaApi['getAlias']>) {
    const alias = await super.getAlias(...a);
    this.afterGetAlias?.(alias);
    return alias;
  }
}

/** The error a connection reset gives: the request may or may not have been applied. */
function lostAnswer(): Error {
  return Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
}

class MeddlingCodeDeploy extends CodeDeployApi {
  beforeCreate?: () => void | Promise<void>;
  /** Runs once, after the first CreateDeployment has been answered (either way). */
  afterCreate?: () => Promise<void>;
  /** An endpoint that does not answer ListDeploymentTargets (the hook statuses stay unknown). */
  noTargets = false;
  override getLambdaTarget(...a: Parameters<CodeDeployApi['getLambdaTarget']>) {
    if (this.noTargets) {
      const e = new Error('Unknown operation ListDeploymentTargets');
      e.name = 'UnknownOperationException';
      return Promise.reject(e);
    }
    return super.getLambdaTarget(...a);
  }
  /** The first CreateDeployment is applied, but its answer never arrives. */
  loseCreateAnswer = false;
  /** ...and it is sent again at once, as a retrying client would. */
  retryAfterLoss = false;
  override async createDeployment(...a: Parameters<CodeDeployApi['createDeployment']>) {
    const f = this.beforeCreate;
    this.beforeCreate = undefined;
    await f?.();
    const after = this.afterCreate;
    this.afterCreate = undefined;
    if (after) return super.createDeployment(...a).finally(after);
    if (this.loseCreateAnswer) {
      this.loseCreateAnswer = false;
      await super.createDeployment(...a);
      if (this.retryAfterLoss) return super.createDeployment(...a);
      throw lostAnswer();
    }
    return super.createDeployment(...a);
  }
}

/** Someone else's deployment of `live` from v1 to v2, all at once, with a BeforeAllowTraffic `hook`. */
async function createHeldDeployment(hook: string): Promise<string> {
  const content = appSpec({
    functionName: FN,
    alias: ALIAS,
    currentVersion: '1',
    targetVersion: '2',
    beforeTrafficHook: hook,
  });
  const answer = await new CodeDeployClient({ region: emu.region, endpoint: emu.url }).send(
    new CreateDeploymentCommand({
      applicationName: APP,
      deploymentGroupName: GROUP,
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content, sha256: sha256Hex(content) },
      },
    }),
  );
  return answer.deploymentId!;
}

/** The `hook` Lambda reports Succeeded, as it would through the API, once it has been invoked. */
async function releaseHook(hook: string): Promise<void> {
  await until(() => emu.invocations(hook).length > 0);
  const event = JSON.parse(emu.invocations(hook)[0]!.payload) as {
    DeploymentId: string;
    LifecycleEventHookExecutionId: string;
  };
  await new CodeDeployClient({ region: emu.region, endpoint: emu.url }).send(
    new PutLifecycleEventHookExecutionStatusCommand({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status: 'Succeeded',
    }),
  );
}

function meddling(): {
  lambda: MeddlingLambda;
  codedeploy: MeddlingCodeDeploy;
  deps: Partial<ReleaseDeps>;
} {
  const c = clients();
  const lambda = new MeddlingLambda(c.lambda);
  const codedeploy = new MeddlingCodeDeploy(c.codedeploy);
  return { lambda, codedeploy, deps: { lambda, codedeploy } };
}

describe('an endpoint without deployment targets', () => {
  it('a failed hook is still named, and the watch goes on without the lifecycle events', async () => {
    seed(emu);
    const m = meddling();
    m.codedeploy.noTargets = true;
    const run = await runWithFailingHook(emu, { strategy: 'AllAtOnce' }, m.deps);
    expect(run.result.status).toBe('failed');
    expect(run.result.cause).toMatchObject({
      code: 'HOOK_EXECUTION_FAILURE',
      failedHook: 'AfterAllowTraffic',
    });
    expect(run.outputs['rolled-back']).toBe('true');
    expect(failureMessage(run.result)).toContain(
      'Failed hook: AfterAllowTraffic (CodeDeployHook_post)',
    );
    expectWorld({ alias: { version: '1' }, versions: 2, deployments: 1 });
  });
});

describe('races', () => {
  it('someone else changes $LATEST between our upload and PublishVersion: refuses, publishes nothing', async () => {
    seed(emu);
    const m = meddling();
    m.lambda.before.publishVersion = () => emu.updateCodeOutOfBand(FN, 'someone-elses-code');
    const run = await runRelease(emu, { 'code-dir': codeDir('v2') }, m.deps);
    expect(run.result.status).toBe('failed');
    expect(run.result.cause!.code).toBe('CODE_CHANGED_CONCURRENTLY');
    expect(run.result.cause!.message).toMatch(
      /Someone else changed \$LATEST of `orders` between the upload and PublishVersion/,
    );
    expect(run.result.cause!.message).toMatch(
      /refuses to publish code it did not upload; nothing was published/,
    );
    // Lambda refused the pinned publish (412): the other code was not published either.
    expect(callsOf(run.calls, 'PublishVersion').map((c) => c.errorCode)).toEqual([
      'PreconditionFailedException',
    ]);
    expect(run.outputs.version).toBeUndefined();
    expectWorld({ alias: { version: '1' }, versions: 1, deployments: 0 });
  });

  it('someone else changes $LATEST just before our upload: refuses, uploads nothing over it', async () => {
    seed(emu);
    const m = meddling();
    m.lambda.before.updateCode = () => emu.updateCodeOutOfBand(FN, 'someone-elses-code');
    const run = await runRelease(emu, { 'code-dir': codeDir('v2') }, m.deps);
    expect(run.result.cause!.code).toBe('CODE_CHANGED_CONCURRENTLY');
    expect(run.result.cause!.message).toMatch(/just before the upload.*nothing was published/);
    expect(callsOf(run.calls, 'UpdateFunctionCode').map((c) => c.errorCode)).toEqual([
      'PreconditionFailedException',
    ]);
    expect(mutating(run.calls)).toEqual(['UpdateFunctionCode']);
    expectWorld({ alias: { version: '1' }, versions: 1, deployments: 0 });
  });

  // A config change by another tool seconds earlier, or a cancelled run's upload still being
  // applied: the release waits for it, then uploads pinned to the RevisionId it left.
  it('an update of $LATEST already in progress at preflight is waited for, not reported as a change by someone else', async () => {
    seed(emu);
    emu.setFunctionBehaviour(FN, { updateDelayMs: 5_000 });
    await new LambdaClient({ region: emu.region, endpoint: emu.url }).send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: FN,
        Description: 'changed by a tool',
      }),
    );
    const run = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'AllAtOnce' });
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(run.events).toContainEqual({
      kind: 'info',
      message: 'Waiting for an update of $LATEST already in progress.',
    });
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  });

  it('another deployment starts between preflight and CreateDeployment, if-busy: fail → names it, deploys nothing', async () => {
    seed(emu, { versions: 2, live: '1' });
    const m = meddling();
    let other = '';
    m.codedeploy.beforeCreate = () => {
      other = startOtherDeployment(emu, 'CodeDeployDefault.LambdaCanary10Percent30Minutes');
    };
    const run = await runRelease(emu, { 'code-dir': codeDir('v3') }, m.deps);
    expect(run.result.status).toBe('failed');
    expect(run.result.cause!.code).toBe('GROUP_BUSY');
    expect(run.result.cause!.message).toContain(`active deployment ${other}`);
    expect(run.result.cause!.message).toContain(`codedeploy/deployments/${other}`);
    expect(run.result.cause!.message).toMatch(/set `if-busy: wait`/);
    expect(callsOf(run.calls, 'CreateDeployment').map((c) => c.errorCode)).toEqual([
      'DeploymentLimitExceededException',
    ]);
    expect(run.result.deploymentId).toBeUndefined();
    // Version 3 was published, never deployed: the alias is the other deployment's business.
    expect(emu.aliasHistory(FN, ALIAS).some((h) => h.version === '3' || h.weights['3'])).toBe(
      false,
    );
    expect(emu.versions(FN)).toHaveLength(3);
    expect(ourDeployments()).toHaveLength(0);
    expect(failureMessage(run.result)).toMatch(
      /^Not started — group busy: live stays on v1\. GROUP_BUSY: /,
    );
  });

  it('another deployment starts between preflight and CreateDeployment, if-busy: wait → waits, deploys from where the alias is now', async () => {
    seed(emu, { versions: 2, live: '1' });
    const m = meddling();
    // The other deployment is held at its BeforeAllowTraffic hook until our first
    // CreateDeployment has been answered: an AllAtOnce deployment with no hook ends one
    // emulated second (17 real ms) after it starts, so under load it could end before our
    // request arrives, and ours would then (rightly) fail validation from version 1.
    const hook = 'CodeDeployHook_other';
    emu.setHook(hook, { result: 'never' });
    let other = '';
    m.codedeploy.beforeCreate = async () => {
      other = await createHeldDeployment(hook);
    };
    m.codedeploy.afterCreate = () => releaseHook(hook);
    const run = await runRelease(
      emu,
      { 'code-dir': codeDir('v3'), 'if-busy': 'wait', strategy: 'AllAtOnce' },
      m.deps,
    );
    expect(run.result.cause).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(run.events).toContainEqual(
      expect.objectContaining({
        kind: 'info',
        message: expect.stringContaining(`Waiting for the active deployment ${other}`),
      }),
    );
    // The other deployment moved live to 2 while we waited: ours shifted 2 → 3, not 1 → 3.
    expect(run.outputs['previous-version']).toBe('2');
    expect(ourDeployments()[0]).toMatchObject({
      currentVersion: '2',
      targetVersion: '3',
      status: 'Succeeded',
    });
    // The other deployment's CreateDeployment, then ours: refused, and again once it ended.
    expect(callsOf(run.calls, 'CreateDeployment').map((c) => c.errorCode ?? c.status)).toEqual([
      200,
      'DeploymentLimitExceededException',
      200,
    ]);
    expectWorld({ alias: { version: '3' }, versions: 3, deployments: 1 });
  });
});

// ---------------------------------------------------------------------------------------------

describe('rollback that fails', () => {
  it('stopped mid-canary, the rollback deployment fails: says traffic is split, both versions and weights, and the fix', async () => {
    seed(emu);
    emu.failNextRollback();
    const run = await runRelease(emu, {
      'code-dir': codeDir('v2'),
      strategy: 'Canary10Percent30Minutes',
      'timeout-minutes': '2',
    });
    expect(run.result.status).toBe('stopped');
    expect(run.result.cause!.code).toBe('TIMEOUT');
    expect(run.result.cause!.message).toMatch(/NOT confirmed back on the previous version/);
    expect(run.outputs['rolled-back']).toBe('false');
    expect(run.result.finalAlias).toEqual({ version: '1', weights: { '2': 0.1 } });
    const said = failureMessage(run.result);
    expect(said).toMatch(/alias live is on 90% v1, 10% v2/);
    expect(said).toMatch(/Traffic is split between versions 1 and 2/);
    expect(said).toContain(
      "aws lambda update-alias --function-name orders --name live --function-version 1 --routing-config 'AdditionalVersionWeights={}'",
    );
    expect(said).toMatch(/Rollback deployment d-\w+ ended Failed/);
    // The job summary says the same, with the command to run.
    const summary = renderSummary(run.result);
    expect(summary).toMatch(
      /^### ⚠️ Traffic split 90\/10 — action needed: `live` now 90% v1, 10% v2$/m,
    );
    expect(summary).toContain(
      'Alias `live` sends 90% v1, 10% v2: traffic is **not** on one version',
    );
    expect(summary).toContain(
      'aws lambda update-alias --function-name orders --name live --function-version 1 --routing-config AdditionalVersionWeights={} --region us-east-1',
    );
    const rollback = emu.deployments().find((d) => d.creator === 'codeDeployRollback');
    expect(rollback?.status).toBe('Failed');
    expect(mutating(run.calls)).toEqual([
      'UpdateFunctionCode',
      'PublishVersion',
      'CreateDeployment',
      'StopDeployment',
    ]);
    expectWorld({ alias: { version: '1', weights: { '2': 0.1 } }, versions: 2, deployments: 1 });
  }, 30_000);

  it('an alarm stops it mid-canary and the rollback fails: the same, with the alarm named', async () => {
    seed(emu);
    emu.setAlarm('orders-errors', 'OK');
    emu.failNextRollback();
    const m = meddling();
    // The alarm fires the moment the release itself sees 10% on the new version.
    m.lambda.afterGetAlias = (a) => {
      if (a && Object.keys(a.weights).length > 0) emu.setAlarm('orders-errors', 'ALARM');
    };
    const run = await runRelease(
      emu,
      { 'code-dir': codeDir('v2'), strategy: 'canary 10% 10m', alarms: 'orders-errors' },
      m.deps,
    );
    expect(run.result.status).toBe('stopped');
    expect(run.result.cause).toMatchObject({ code: 'ALARM_ACTIVE', alarms: ['orders-errors'] });
    const said = failureMessage(run.result);
    expect(said).toMatch(/alias live is on 90% v1, 10% v2/);
    expect(said).toMatch(/split between versions 1 and 2/);
    expect(said).toContain("--function-version 1 --routing-config 'AdditionalVersionWeights={}'");
    expect(mutating(run.calls)).not.toContain('StopDeployment');
    expectWorld({ alias: { version: '1', weights: { '2': 0.1 } }, versions: 2, deployments: 1 });
  }, 30_000);

  it('a hook fails after all traffic moved and the rollback fails: says the new version carries it all', async () => {
    seed(emu);
    emu.failNextRollback();
    const run = await runWithFailingHook(emu, { strategy: 'AllAtOnce' });
    expect(run.result.status).toBe('failed');
    expect(run.result.cause).toMatchObject({
      code: 'HOOK_EXECUTION_FAILURE',
      failedHook: 'AfterAllowTraffic',
    });
    expect(run.outputs['rolled-back']).toBe('false');
    const said = failureMessage(run.result);
    expect(said).toMatch(/Traffic was NOT returned to the previous version: alias live is on v2/);
    expect(said).toMatch(/Rollback deployment d-\w+ ended Failed/);
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  });
});

// ---------------------------------------------------------------------------------------------

describe('lost contact while watching', () => {
  it('GetDeployment unreachable for longer than the retry budget: LOST_CONTACT, the healthy deployment is not stopped', async () => {
    seed(emu);
    // Every GetDeployment is dropped. The SDK's backoff runs on real time (up to ~13 s per
    // call at the action's 10 attempts), so these clients make 2 attempts per call; the
    // budget under test is the release's own: 8 consecutive failed polls. timeout-minutes 3
    // (the default here is 10) still sees about 15 polls fail, and waits a third as long.
    emu.injectFault({ service: 'codedeploy', operation: 'GetDeployment', kind: 'drop' });
    const run = await runRelease(
      emu,
      { 'code-dir': codeDir('v2'), strategy: 'canary 10% 1m', 'timeout-minutes': '3' },
      twoAttemptApis(emu),
    );
    expect(run.result.status).toBe('failed');
    expect(run.result.cause!.code).toBe('LOST_CONTACT');
    const id = run.result.deploymentId!;
    expect(run.result.cause!.message).toMatch(/Lost contact with AWS while watching deployment/);
    expect(run.result.cause!.message).toMatch(/was left running, not stopped/);
    expect(run.result.cause!.message).toContain(
      `https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/${id}?region=us-east-1`,
    );
    expect(callsOf(run.calls, 'GetDeployment').length).toBeGreaterThanOrEqual(16);
    expect(mutating(run.calls)).toEqual([
      'UpdateFunctionCode',
      'PublishVersion',
      'CreateDeploymentConfig',
      'CreateDeployment',
    ]);
    expect(run.outputs['deployment-id']).toBe(id);

    // The deployment was healthy: left alone, it finishes on its own.
    emu.clearFaults();
    await until(
      () => emu.deployments().find((d) => d.deploymentId === id)?.status !== 'InProgress',
    );
    expect(emu.deployments().find((d) => d.deploymentId === id)?.status).toBe('Succeeded');
    expect(emu.calls.some((c) => c.operation === 'StopDeployment')).toBe(false);
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });

    // Re-running the failed job with the same code: nothing new, nothing duplicated.
    const again = await runRelease(emu, { 'code-dir': codeDir('v2'), strategy: 'canary 10% 1m' });
    expect(again.result.status).toBe('skipped');
    expect(mutating(again.calls)).toEqual(['PublishVersion']);
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 1 });
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------

describe('re-running a failed job', () => {
  it('same code after a failed deployment: no second version, the existing one is deployed', async () => {
    seed(emu);
    emu.setHook('CodeDeployHook_post', { result: 'Failed' });
    const dir = codeDir('v2');
    const inputs = {
      'code-dir': dir,
      strategy: 'AllAtOnce',
      'after-traffic-hook': 'CodeDeployHook_post',
    };
    const first = await runRelease(emu, inputs);
    expect(first.result.status).toBe('failed');
    expect(first.outputs['rolled-back']).toBe('true');
    expectWorld({ alias: { version: '1' }, versions: 2, deployments: 1 });

    emu.setHook('CodeDeployHook_post', { result: 'Succeeded' });
    const again = await runRelease(emu, inputs);
    expect(again.result.status).toBe('succeeded');
    expect(again.outputs.version).toBe('2');
    // No upload (the code equals $LATEST); PublishVersion hands back version 2.
    expect(mutating(again.calls)).toEqual(['PublishVersion', 'CreateDeployment']);
    expect(again.events).toContainEqual({
      kind: 'info',
      message: 'The code is identical to $LATEST: no upload.',
    });
    expectWorld({ alias: { version: '2' }, versions: 2, deployments: 2 });
  });

  it('the previous run’s deployment is still active: detected, named, nothing changed', async () => {
    seed(emu);
    const dir = codeDir('v2');
    const first = await runRelease(emu, {
      'code-dir': dir,
      strategy: 'Canary10Percent30Minutes',
      wait: 'false',
    });
    expect(first.result.status).toBe('started');
    const id = first.outputs['deployment-id']!;

    const again = await runRelease(emu, { 'code-dir': dir, strategy: 'Canary10Percent30Minutes' });
    expect(again.result.status).toBe('failed');
    expect(again.result.cause!.code).toBe('GROUP_BUSY');
    expect(again.result.cause!.message).toContain(`already has an active deployment ${id}`);
    expect(again.result.cause!.message).toContain(`codedeploy/deployments/${id}`);
    expect(mutating(again.calls)).toEqual([]);
    // Left alone: still running, not stopped by the second run.
    expect(['Created', 'InProgress']).toContain(
      emu.deployments().find((d) => d.deploymentId === id)?.status,
    );
    expect(emu.versions(FN)).toHaveLength(2);
    expect(ourDeployments()).toHaveLength(1);
  });

  it('the previous run left the alias split: detected, both versions and weights named, the fix given, nothing changed', async () => {
    seed(emu);
    emu.failNextRollback();
    const dir = codeDir('v2');
    const first = await runRelease(emu, {
      'code-dir': dir,
      strategy: 'Canary10Percent30Minutes',
      'timeout-minutes': '2',
    });
    expect(first.result.finalAlias).toEqual({ version: '1', weights: { '2': 0.1 } });

    const again = await runRelease(emu, { 'code-dir': dir, strategy: 'Canary10Percent30Minutes' });
    expect(again.result.status).toBe('failed');
    expect(again.result.cause!.code).toBe('ALIAS_WEIGHTED');
    expect(again.result.cause!.message).toMatch(
      /split between versions \(90% on version 1, 10% on version 2\)/,
    );
    expect(again.result.cause!.message).toMatch(/stopped without rollback/);
    expect(again.result.cause!.message).toContain(
      "`aws lambda update-alias --function-name orders --name live --function-version 1 --routing-config 'AdditionalVersionWeights={}'`, then run again",
    );
    expect(mutating(again.calls)).toEqual([]);
    expectWorld({ alias: { version: '1', weights: { '2': 0.1 } }, versions: 2, deployments: 1 });
  }, 30_000);
});
