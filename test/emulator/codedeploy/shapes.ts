// How deployments look from outside: GetDeployment's deploymentInfo, the Lambda deployment
// target, and the snapshot tests read (see docs/aws-semantics.md#observing-a-deployment).
import type { LambdaModel } from '../lambda/model.ts';
import { ApiError, epochSeconds, isRecord } from '../util.ts';
import type { DeploymentInfoLike, DeploymentRecord } from './types.ts';

/** GetDeployment's deploymentInfo (docs/aws-semantics.md#observing-a-deployment). */
export function deploymentInfo(d: DeploymentRecord): Record<string, unknown> {
  const overview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
  if (d.status === 'Created') overview.Pending = 1;
  else if (d.status === 'InProgress') overview.InProgress = 1;
  else if (d.status === 'Succeeded') overview.Succeeded = 1;
  else overview.Failed = 1;
  const out: Record<string, unknown> = {
    applicationName: d.applicationName,
    deploymentGroupName: d.deploymentGroupName,
    deploymentConfigName: d.deploymentConfigName,
    deploymentId: d.deploymentId,
    revision: revisionForOutput(d.revision),
    status: d.status,
    createTime: epochSeconds(d.createTime),
    deploymentOverview: overview,
    creator: d.creator,
    ignoreApplicationStopFailures: false,
    autoRollbackConfiguration: {
      enabled: d.autoRollbackConfiguration.enabled,
      events: [...d.autoRollbackConfiguration.events],
    },
    updateOutdatedInstancesOnly: false,
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    instanceTerminationWaitTimeStarted: false,
    fileExistsBehavior: 'DISALLOW',
    deploymentStatusMessages: [...d.deploymentStatusMessages],
    computePlatform: 'Lambda',
  };
  if (d.description !== undefined) out['description'] = d.description;
  if (d.errorInformation) out['errorInformation'] = { ...d.errorInformation };
  if (d.startTime !== undefined) out['startTime'] = epochSeconds(d.startTime);
  if (d.completeTime !== undefined) out['completeTime'] = epochSeconds(d.completeTime);
  if (d.rollbackInfo) out['rollbackInfo'] = { ...d.rollbackInfo };
  if (d.overrideAlarmConfiguration)
    out['overrideAlarmConfiguration'] = structuredClone(d.overrideAlarmConfiguration);
  return out;
}

export function targetIds(d: DeploymentRecord): string[] {
  if (d.status === 'Created') {
    throw new ApiError(
      400,
      'DeploymentNotStartedException',
      `The deployment ${d.deploymentId} has not started.`,
    );
  }
  return d.spec ? [targetId(d)] : [];
}

function targetId(d: DeploymentRecord): string {
  // [unverified] The docs say Lambda target ids are function names; treat as opaque.
  return d.spec?.functionName ?? '';
}

/** A LambdaTarget (docs/aws-semantics.md#observing-a-deployment) or undefined for an unknown target id. */
export function deploymentTarget(
  d: DeploymentRecord,
  lambda: LambdaModel,
  targetId: string,
): Record<string, unknown> | undefined {
  const ids = targetIds(d);
  if (!ids.includes(targetId) || !d.spec) return undefined;
  const spec = d.spec;
  const fnName = lambda.resolveName(spec.functionName) ?? spec.functionName;
  return {
    deploymentTargetType: 'LambdaTarget',
    lambdaTarget: {
      deploymentId: d.deploymentId,
      targetId,
      targetArn: lambda.functionArn(fnName, spec.alias),
      status: d.targetStatus,
      lastUpdatedAt: epochSeconds(d.targetUpdatedAt),
      lifecycleEvents: lifecycleEvents(d),
      lambdaFunctionInfo: {
        functionName: fnName,
        functionAlias: spec.alias,
        currentVersion: spec.currentVersion,
        targetVersion: spec.targetVersion,
        // [unverified] the docs call it "the percentage of production traffic": 0-100.
        targetVersionWeight: d.weight,
      },
    },
  };
}

export function snapshot(d: DeploymentRecord): DeploymentInfoLike {
  return {
    id: d.deploymentId,
    deploymentId: d.deploymentId,
    applicationName: d.applicationName,
    deploymentGroupName: d.deploymentGroupName,
    deploymentConfigName: d.deploymentConfigName,
    ...(d.description !== undefined ? { description: d.description } : {}),
    status: d.status,
    ...(d.errorInformation ? { errorInformation: { ...d.errorInformation } } : {}),
    creator: d.creator,
    ...(d.rollbackInfo ? { rollbackInfo: { ...d.rollbackInfo } } : {}),
    createTime: epochSeconds(d.createTime),
    ...(d.startTime !== undefined ? { startTime: epochSeconds(d.startTime) } : {}),
    ...(d.completeTime !== undefined
      ? { completeTime: epochSeconds(d.completeTime), completeTimeMs: d.completeTime }
      : {}),
    ...(d.spec
      ? {
          functionName: d.spec.functionName,
          alias: d.spec.alias,
          currentVersion: d.spec.currentVersion,
          targetVersion: d.spec.targetVersion,
          hooks: { ...d.spec.hooks },
        }
      : {}),
    targetWeight: d.weight,
    lifecycleEvents: lifecycleEvents(d),
    autoRollbackConfiguration: structuredClone(d.autoRollbackConfiguration),
    ...(d.overrideAlarmConfiguration
      ? { overrideAlarmConfiguration: structuredClone(d.overrideAlarmConfiguration) }
      : {}),
  };
}

/** Lifecycle events with GetDeployment's epoch-second timestamps. */
function lifecycleEvents(d: DeploymentRecord): DeploymentInfoLike['lifecycleEvents'] {
  return d.lifecycleEvents.map((e) => ({
    lifecycleEventName: e.lifecycleEventName,
    status: e.status,
    ...(e.startTime !== undefined ? { startTime: epochSeconds(e.startTime) } : {}),
    ...(e.endTime !== undefined ? { endTime: epochSeconds(e.endTime) } : {}),
  }));
}

function revisionForOutput(rev: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { revisionType: rev['revisionType'] };
  for (const key of ['appSpecContent', 'string'] as const) {
    const v = rev[key];
    // GetDeployment never returns the content, only the sha256 (docs/aws-semantics.md#observing-a-deployment).
    if (isRecord(v))
      out[key] = { content: null, ...(v['sha256'] !== undefined ? { sha256: v['sha256'] } : {}) };
  }
  return out;
}
