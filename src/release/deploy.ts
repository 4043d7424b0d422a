// The CodeDeploy deployment: its config, the AppSpec, and CreateDeployment.
import { createHash } from 'node:crypto';
import type { AutoRollbackEvent, CreateDeploymentCommandInput } from '@aws-sdk/client-codedeploy';
import type { CodeDeployApi } from '../aws/codedeploy.ts';
import { awsError, isAbort, isAwsError } from '../aws/errors.ts';
import type { Settings } from '../settings/index.ts';
import type { ReleaseDeps } from './deps.ts';
import { busyError, type Preflight } from './preflight.ts';
import { isTransient } from './retry.ts';

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

/** CreateDeploymentConfig for an inline strategy; a config created meanwhile by a parallel run is fine. */
export async function ensureConfig(pre: Preflight, deps: ReleaseDeps): Promise<void> {
  if (!pre.createConfig || !pre.configName || !pre.routing) return;
  try {
    await deps.codedeploy.createDeploymentConfig(pre.configName, pre.routing);
    deps.progress({ kind: 'info', message: `Created deployment config ${pre.configName}.` });
  } catch (error) {
    if (!isAwsError(error, 'DeploymentConfigAlreadyExistsException')) throw error;
  }
}

const ACTIVE_ID = /(?:is already deploying|already has an active Deployment) '(d-\w+)'/;

export function activeDeploymentIn(error: unknown): string | undefined {
  return isAwsError(error, 'DeploymentLimitExceededException')
    ? (ACTIVE_ID.exec(awsError(error).message)?.[1] ?? 'unknown')
    : undefined;
}

/** CodeDeploy's older documented limit is 100 characters. */
export function deploymentDescription(settings: Settings): string {
  return settings.versionDescription.slice(0, 100);
}

/**
 * CreateDeployment, made safe to repeat. It has no idempotency token, so it goes out without
 * the SDK's retries: when an attempt fails in a way that may hide a deployment CodeDeploy did
 * create (a lost response, a timeout, or DeploymentLimitExceeded naming what may be our own),
 * the group is searched for a deployment with our exact AppSpec before anything is retried or
 * reported.
 */
export async function createDeployment(
  settings: Settings,
  pre: Preflight,
  currentVersion: string,
  targetVersion: string,
  deps: ReleaseDeps,
): Promise<string> {
  const input = deploymentInput(settings, pre, currentVersion, targetVersion);
  const sha = input.revision?.appSpecContent?.sha256 ?? '';
  // Leeway for the clock difference between this runner and AWS.
  const since = deps.clock.now() - 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.codedeploy.createDeployment(input);
    } catch (error) {
      if (isAbort(error) || deps.signal?.aborted) throw error;
      const own = await findOwnDeployment(deps.codedeploy, {
        application: settings.application!,
        deploymentGroup: settings.deploymentGroup!,
        description: deploymentDescription(settings),
        since,
        sha,
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

export interface OwnDeploymentQuery {
  application: string;
  deploymentGroup: string;
  /** Our deployment's description: it names the run. */
  description: string;
  /** epoch ms; deployments created earlier are not ours */
  since: number;
  /** Our AppSpec's sha256, when known: then the deployment must carry exactly it. */
  sha?: string;
}

/**
 * This release's deployment in the group, found by what it carries (for when its id was
 * lost: a dropped answer, a cancel or a kill while CreateDeployment was in flight).
 */
export async function findOwnDeployment(
  codedeploy: CodeDeployApi,
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
        (q.sha === undefined || info.revision?.appSpecContent?.sha256 === q.sha)
      )
        return id;
    }
  } catch (error) {
    if (isAbort(error)) throw error;
    // Searching is best effort; what led here is what gets reported.
  }
  return undefined;
}

function deploymentInput(
  settings: Settings,
  pre: Preflight,
  currentVersion: string,
  targetVersion: string,
): CreateDeploymentCommandInput {
  const content = appSpec({
    functionName: pre.functionName,
    alias: settings.alias,
    currentVersion,
    targetVersion,
    beforeTrafficHook: settings.beforeTrafficHook,
    afterTrafficHook: settings.afterTrafficHook,
  });
  const events: AutoRollbackEvent[] = [
    'DEPLOYMENT_FAILURE',
    'DEPLOYMENT_STOP_ON_ALARM',
    'DEPLOYMENT_STOP_ON_REQUEST',
  ];
  return {
    applicationName: settings.application,
    deploymentGroupName: settings.deploymentGroup,
    deploymentConfigName: pre.configName,
    description: deploymentDescription(settings),
    revision: {
      revisionType: 'AppSpecContent',
      appSpecContent: { content, sha256: sha256Hex(content) },
    },
    autoRollbackConfiguration: settings.autoRollback
      ? { enabled: true, events }
      : { enabled: false, events: [] },
    ...(settings.alarms.length
      ? {
          overrideAlarmConfiguration: {
            enabled: true,
            ignorePollAlarmFailure: false,
            alarms: settings.alarms.map((name) => ({ name })),
          },
        }
      : settings.ignoreAlarms
        ? { overrideAlarmConfiguration: { enabled: false, alarms: [] } }
        : {}),
  };
}

/** Maps DeploymentLimitExceededException to the busy error users see from preflight. */
export function busyFrom(error: unknown, settings: Settings): Error {
  const id = activeDeploymentIn(error);
  return id ? busyError(settings.deploymentGroup!, id, settings.region) : (error as Error);
}
