// The CodeDeploy deployment: its config, the AppSpec, and CreateDeployment.
import { createHash } from 'node:crypto';
import type { AutoRollbackEvent } from '@aws-sdk/client-codedeploy';
import { awsError, isAwsError } from '../aws/errors.ts';
import type { Settings } from '../settings.ts';
import type { ReleaseDeps } from './deps.ts';
import { busyError, type Preflight } from './preflight.ts';

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

export async function createDeployment(
  settings: Settings,
  pre: Preflight,
  currentVersion: string,
  targetVersion: string,
  deps: ReleaseDeps,
): Promise<string> {
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
  return deps.codedeploy.createDeployment({
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
      : {}),
  });
}

/** Maps DeploymentLimitExceededException to the busy error users see from preflight. */
export function busyFrom(error: unknown, settings: Settings): Error {
  const id = activeDeploymentIn(error);
  return id ? busyError(settings.deploymentGroup!, id, settings.region) : (error as Error);
}
