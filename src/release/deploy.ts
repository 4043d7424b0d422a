// The CodeDeploy deployment: its config, the AppSpec, CreateDeployment, and waiting for a
// busy group.
import { createHash } from 'node:crypto';
import { type AlarmGate, type DeploymentRequest, isTerminal } from '../aws/codedeploy.ts';
import { deploymentUrl } from '../aws/console.ts';
import { awsError, isAbort, isAwsError } from '../aws/errors.ts';
import { aliasMoved, checkAlias, isWhollyOn } from './alias.ts';
import { ensureConfig } from './config.ts';
import type { CodeDeployService, ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';
import { CLOCK_SKEW_MS, type OwnDeployment } from './own-deployment.ts';
import type { DeploymentPlan, Plan } from './plan.ts';
import { isTransient } from './retry.ts';
import { timeoutWords } from './steps.ts';

export interface AppSpecInput {
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
  beforeTrafficHook?: string;
  afterTrafficHook?: string;
}

/** The AppSpec as JSON: Resources and Hooks are lists of single-key maps. */
export function appSpec(a: AppSpecInput): string {
  const hooks = [
    ...(a.beforeTrafficHook ? [{ BeforeAllowTraffic: a.beforeTrafficHook }] : []),
    ...(a.afterTrafficHook ? [{ AfterAllowTraffic: a.afterTrafficHook }] : []),
  ];
  return JSON.stringify({
    version: '0.0',
    Resources: [
      {
        [a.functionName]: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Name: a.functionName,
            Alias: a.alias,
            CurrentVersion: a.currentVersion,
            TargetVersion: a.targetVersion,
          },
        },
      },
    ],
    ...(hooks.length ? { Hooks: hooks } : {}),
  });
}

/** CodeDeploy's appSpecContent.sha256: lowercase hex over the exact UTF-8 content. */
export function sha256Hex(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

export function busyError(group: string, id: string, region: string): ReleaseError {
  return new ReleaseError(
    'GROUP_BUSY',
    `Deployment group \`${group}\` already has an active deployment ${id} (${deploymentUrl(region, id)}); CodeDeploy allows one at a time. Wait for it or stop it, or set \`if-busy: wait\`.`,
  );
}

const ACTIVE_ID = /(?:is already deploying|already has an active Deployment) '(d-\w+)'/;

export function activeDeploymentIn(error: unknown): string | undefined {
  return isAwsError(error, 'DeploymentLimitExceededException')
    ? (ACTIVE_ID.exec(awsError(error).message)?.[1] ?? 'unknown')
    : undefined;
}

/** Waits for another deployment in the group to end (if-busy: wait). */
export async function waitForActive(
  id: string,
  /** epoch ms: how long a busy group may be waited for */
  until: number,
  pre: Plan,
  d: DeploymentPlan,
  deps: ReleaseDeps,
): Promise<void> {
  deps.progress({
    kind: 'info',
    message: `Waiting for the active deployment ${id} to end: ${deploymentUrl(pre.region, id)}`,
  });
  for (;;) {
    const info = await deps.codedeploy.getDeployment(id);
    if (isTerminal(info.status)) return;
    if (deps.clock.now() >= until)
      throw new ReleaseError(
        'TIMEOUT',
        `The active deployment ${id} in group \`${d.deploymentGroup}\` was still running after waiting ${timeoutWords(pre)} (if-busy: wait). Nothing was deployed.`,
      );
    await deps.clock.sleep(Math.min(pre.pollIntervalMs, 15_000), deps.signal);
  }
}

/**
 * Creates the config if needed, then the deployment. When another deployment started since
 * preflight, waits for it (if-busy: wait) and shifts from wherever it left the alias;
 * `onRebase` hears of each new starting version. Returns the id and the version it shifts from.
 */
export async function startDeployment(
  pre: Plan,
  d: DeploymentPlan,
  targetVersion: string,
  until: number,
  deps: ReleaseDeps,
  onRebase: (version: string) => void,
  /** With metric gates: creates their alarms and says what the deployment watches. */
  alarmsFor?: (currentVersion: string) => Promise<AlarmGate>,
): Promise<{ deploymentId: string; currentVersion: string }> {
  let currentVersion = pre.current!.version;
  await ensureConfig(d, deps);
  await confirmAlias(pre, deps);
  for (;;) {
    try {
      const gated = alarmsFor ? { ...d, alarmGate: await alarmsFor(currentVersion) } : d;
      const deploymentId = await createDeployment(pre, gated, currentVersion, targetVersion, deps);
      return { deploymentId, currentVersion };
    } catch (error) {
      // Another deployment started between preflight and now.
      const active = activeDeploymentIn(error);
      if (!active || d.ifBusy === 'fail') throw busyFrom(error, pre, d);
      await waitForActive(active, until, pre, d, deps);
      // That deployment may have moved the alias: shift from where it is now.
      const alias = await deps.lambda.getAlias(pre.functionRef, pre.alias);
      checkAlias(alias, pre.alias, pre.functionName, false);
      if (!alias || alias.version === targetVersion)
        throw new ReleaseError(
          'ALIAS_MOVED',
          `While this release waited, another deployment moved alias ${pre.alias} to ${alias ? `version ${alias.version}` : 'nowhere (it was deleted)'}; nothing was deployed.`,
        );
      currentVersion = alias.version;
      onRebase(currentVersion);
    }
  }
}

/**
 * CreateDeployment cannot be pinned to the alias as read, and CodeDeploy fails a deployment
 * whose AppSpec CurrentVersion is not where the alias is (docs/aws-semantics.md): so the
 * alias is read again right before, and a change since preflight is refused by name.
 */
async function confirmAlias(pre: Plan, deps: ReleaseDeps): Promise<void> {
  const now = await deps.lambda.getAlias(pre.functionRef, pre.alias);
  if (!isWhollyOn(now, pre.current!.version))
    throw aliasMoved(pre.alias, now, `after preflight read it on version ${pre.current!.version}`);
}

/**
 * CreateDeployment, made safe to repeat. It has no idempotency token, so it goes out without
 * the SDK's retries: when an attempt fails in a way that may hide a deployment CodeDeploy did
 * create (a lost response, a timeout, or DeploymentLimitExceeded naming what may be our own),
 * the group is searched for a deployment with our exact AppSpec before anything is retried or
 * reported.
 */
async function createDeployment(
  pre: Plan,
  d: DeploymentPlan,
  currentVersion: string,
  targetVersion: string,
  deps: ReleaseDeps,
): Promise<string> {
  const request = deploymentRequest(pre, d, currentVersion, targetVersion);
  const since = deps.clock.now() - CLOCK_SKEW_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.codedeploy.createDeployment(request);
    } catch (error) {
      if (isAbort(error) || deps.signal?.aborted) throw error;
      const own = await findOwnDeployment(deps.codedeploy, {
        application: d.application,
        deploymentGroup: d.deploymentGroup,
        description: d.description,
        since,
        sha: request.appSpec.sha256,
      });
      if (own) {
        deps.progress({
          kind: 'info',
          message: `CreateDeployment's answer was lost (${awsError(error).name}); deployment ${own} is this release's.`,
        });
        return own;
      }
      if (!isTransient(error) || attempt >= 6) throw error;
      const delayMs = Math.min(1_000 * 2 ** (attempt - 1), 15_000);
      deps.progress({
        kind: 'retry',
        operation: 'CreateDeployment',
        reason: awsError(error).name,
        attempt: attempt + 1,
        delayMs,
      });
      await deps.clock.sleep(delayMs, deps.signal);
    }
  }
}

export interface OwnDeploymentQuery extends OwnDeployment {
  /** Our AppSpec's sha256, when known: then the deployment must carry exactly it. */
  sha?: string;
}

/**
 * This release's deployment in the group, found by what it carries (for when its id was
 * lost: a dropped answer, a cancel or a kill while CreateDeployment was in flight).
 */
export async function findOwnDeployment(
  codedeploy: Pick<CodeDeployService, 'listDeploymentsSince' | 'getDeployment'>,
  q: OwnDeploymentQuery,
): Promise<string | undefined> {
  try {
    const ids = await codedeploy.listDeploymentsSince(
      q.application,
      q.deploymentGroup,
      new Date(q.since),
    );
    for (const id of ids) {
      const info = await codedeploy.getDeployment(id);
      if (
        info.creator === 'user' &&
        (info.createTime?.getTime() ?? 0) >= q.since &&
        info.description === q.description &&
        (q.sha === undefined || info.appSpecSha256 === q.sha)
      )
        return id;
    }
  } catch (error) {
    if (isAbort(error)) throw error;
    // Searching is best effort; what led here is what gets reported.
  }
  return undefined;
}

function deploymentRequest(
  pre: Plan,
  d: DeploymentPlan,
  currentVersion: string,
  targetVersion: string,
): DeploymentRequest {
  const content = appSpec({
    functionName: pre.functionName,
    alias: pre.alias,
    currentVersion,
    targetVersion,
    beforeTrafficHook: pre.hooks.find((h) => h.hook === 'BeforeAllowTraffic')?.functionName,
    afterTrafficHook: pre.hooks.find((h) => h.hook === 'AfterAllowTraffic')?.functionName,
  });
  return {
    application: d.application,
    deploymentGroup: d.deploymentGroup,
    configName: d.configName,
    description: d.description,
    appSpec: { content, sha256: sha256Hex(content) },
    autoRollback: d.autoRollback,
    alarms: d.alarmGate,
  };
}

/** Maps DeploymentLimitExceededException to the busy error users see from preflight. */
function busyFrom(error: unknown, pre: Plan, d: DeploymentPlan): Error {
  const id = activeDeploymentIn(error);
  return id ? busyError(d.deploymentGroup, id, pre.region) : (error as Error);
}
