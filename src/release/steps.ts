// The plan in words: each change the release would make, in order (dry runs show it, the
// summary keeps it).

import { describeChanges } from '../function-config/index.ts';
import { sourceWords } from '../report/words.ts';
import { describeRouting, routingSteps, shiftMinutes } from '../strategy.ts';
import { describeWeights } from './alias.ts';
import type { DeploymentPlan, GroupCreation, Plan } from './plan.ts';
import type { PlanSummary } from './result.ts';

function codeSteps(p: Omit<Plan, 'summary'>): string[] {
  if (p.promoted)
    return [
      p.promoted.fromAlias
        ? `Release version ${p.promoted.version}, which alias ${p.promoted.fromAlias} points at (nothing uploaded or published)`
        : `Release existing version ${p.promoted.version} (nothing uploaded or published)`,
    ];
  if (p.create) return createSteps(p);
  const steps: string[] = [];
  const bytes = p.code ? ` (${p.code.byteLength} bytes, SHA-256 ${p.code.sha256})` : '';
  const s3 = p.s3Upload;
  const arch = p.configuration?.diff.architecture;
  if (p.source.kind !== 'latest') {
    steps.push(
      p.codeUnchanged && !arch
        ? `Skip the upload: ${sourceWords(p.source)} is identical to $LATEST`
        : s3
          ? `Upload ${sourceWords(p.source)}${bytes} to s3://${s3.bucket}/${s3.key} (unless the same zip is already there), then update $LATEST from it${arch ? ` for architecture ${arch}` : ''}`
          : `Upload ${sourceWords(p.source)} as $LATEST${bytes}${arch ? ` for architecture ${arch}` : ''}`,
    );
  }
  const diff = p.configuration?.diff;
  if (diff?.request) {
    const fields = diff.changes.filter((c) => c.kind !== 'value' || c.field !== 'Architectures');
    steps.push(`Update the configuration of $LATEST: ${describeChanges(fields).join('; ')}`);
  } else if (p.configuration) {
    steps.push('Leave the configuration: the configuration inputs match $LATEST');
  }
  steps.push(
    `Publish ${p.predictedVersion ? `version ${p.predictedVersion}` : 'a version'} of $LATEST with description "${p.versionDescription}"`,
  );
  return steps;
}

/** create-function: the function does not exist yet. */
function createSteps(p: Omit<Plan, 'summary'>): string[] {
  const fields = Object.keys(p.configuration?.desired.fields ?? {});
  const arch = p.configuration?.desired.architecture;
  return [
    `Create function ${p.functionName} (${p.create!.packageType === 'Image' ? 'container image' : '.zip'}) from ${sourceWords(p.source)}, with ${[...fields, ...(arch ? [`Architectures ${arch}`] : [])].join(', ')}`,
    `Publish version 1 with description "${p.versionDescription}"`,
  ];
}

function deploymentSteps(
  p: Omit<Plan, 'summary'>,
  d: DeploymentPlan,
  from: string,
  target: string,
): string[] {
  const steps: string[] = [];
  if (d.create) steps.push(...creationSteps(d, d.create));
  if (d.createConfig)
    steps.push(`Create deployment config ${d.configName} (${describeRouting(d.routing)})`);
  if (d.activeDeploymentId)
    steps.push(`Wait for the active deployment ${d.activeDeploymentId} to end (if-busy: wait)`);
  const hooks = p.hooks.map((h) => `${h.hook} hook ${h.functionName}`);
  const alarms = d.alarmGate.use === 'these' ? d.alarmGate.names : [];
  if (p.metricGates.length)
    steps.push(
      `Create ${p.metricGates.length} CloudWatch alarm${p.metricGates.length === 1 ? '' : 's'} for the metric gates (${p.metricGates.map((g) => g.text).join('; ')}), deleted when the release ends`,
    );
  steps.push(
    `Start a CodeDeploy deployment (${d.configName}) shifting alias ${p.alias} from version ${from} to ${target}${hooks.length ? `, with ${hooks.join(' and ')}` : ''}${alarms.length ? `, stopped by alarms ${alarms.join(', ')}` : ''}`,
  );
  const shifts = routingSteps(d.routing)
    .map((s) => `${s.percent}% at +${s.atMinute}m`)
    .join(', ');
  steps.push(`Traffic on ${target}: ${shifts}`);
  steps.push(
    d.wait
      ? `Wait up to ${timeoutWords(p)} for it to end (on timeout: ${d.onTimeout})`
      : 'Return once the deployment has started (wait: false)',
  );
  return steps;
}

function creationSteps(d: DeploymentPlan, c: GroupCreation): string[] {
  const steps: string[] = [];
  if (c.application)
    steps.push(`Create CodeDeploy application ${d.application} (compute platform Lambda)`);
  const alarms = c.alarms.length ? `alarms ${c.alarms.join(', ')}` : 'no alarms';
  const rollback = c.autoRollback
    ? 'automatic rollback on failure, alarm and stop'
    : 'no automatic rollback';
  steps.push(
    `Create deployment group ${d.deploymentGroup} (blue/green with traffic control, service role ${c.serviceRoleArn}, ${alarms}, ${rollback})`,
  );
  return steps;
}

/**
 * Neither code nor configuration changes $LATEST, so PublishVersion may return an existing
 * version (docs/aws-semantics.md#lambda-updates-and-versions), perhaps the alias's own.
 */
function mayPublishNothingNew(p: Omit<Plan, 'summary'>): boolean {
  if (p.promoted || p.create || p.configuration?.diff.request) return false;
  if (p.configuration?.diff.architecture) return false;
  return p.source.kind === 'latest' || p.codeUnchanged;
}

export function planSummary(p: Omit<Plan, 'summary'>): PlanSummary {
  const target = p.promoted
    ? `version ${p.promoted.version}`
    : p.predictedVersion
      ? `version ${p.predictedVersion}`
      : 'the new version';
  const steps = codeSteps(p);
  if (p.current && mayPublishNothingNew(p))
    steps.push(
      `If $LATEST has not changed since version ${p.current.version}, PublishVersion returns that version, which alias ${p.alias} already points at: stop here, nothing to release (status skipped); otherwise go on`,
    );
  if (p.capacityProviderArn && !p.promoted)
    steps.push(
      `Wait for ${target} to start its execution environments on capacity provider ${p.capacityProviderArn} (Lambda Managed Instances: up to 15 minutes), before any smoke test or traffic`,
    );
  if (p.smokeTestPayload) steps.push(`Invoke ${target} with the smoke-test payload`);
  if (!p.current) {
    // The group is made now all the same, so that the next release can deploy through it.
    if (p.deployment?.create) steps.push(...creationSteps(p.deployment, p.deployment.create));
    steps.push(`Create alias ${p.alias} on ${target} (first release: no traffic to shift)`);
  } else if (!p.deployment) {
    const split = Object.keys(p.current.weights).length
      ? ` (split: ${describeWeights(p.current)}), clearing the split`
      : '';
    steps.push(
      `Move alias ${p.alias} from version ${p.current.version} to ${target} at once${split}`,
    );
  } else {
    steps.push(...deploymentSteps(p, p.deployment, p.current.version, target));
  }
  const routing = p.deployment?.routing;
  return {
    steps,
    shiftMinutes: routing ? shiftMinutes(routing) : 0,
    timeoutMinutes: p.timeoutMinutes,
    ...(p.deployment
      ? { timeoutFrom: p.deployment.timeoutMinutesGiven !== undefined ? 'input' : 'strategy' }
      : {}),
    ...(p.durable ? { durable: true } : {}),
  };
}

/** The wait's budget and where it comes from: "40 minutes (derived from the strategy and hooks)". */
export function timeoutWords(
  p: Pick<Plan, 'timeoutMinutes' | 'deployment' | 'capacityProviderArn'>,
): string {
  const n = `${p.timeoutMinutes} minute${p.timeoutMinutes === 1 ? '' : 's'}`;
  const from = p.capacityProviderArn
    ? 'the strategy, hooks and 15 minutes for Managed Instances to start the version'
    : 'the strategy and hooks';
  return p.deployment?.timeoutMinutesGiven !== undefined
    ? `${n} (timeout-minutes)`
    : `${n} (derived from ${from}; set timeout-minutes to change it)`;
}
