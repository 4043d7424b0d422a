// What a user relies on, whatever went wrong during the run: each returns a sentence when
// it is broken.
import type { Played } from './play.ts';
import { SEEDED_VERSIONS } from './play.ts';

type Alias = Played['alias'];

const wholly = (a: Alias, v: string | undefined) =>
  !!a && v !== undefined && a.version === v && Object.keys(a.weights).length === 0;
const split = (a: Alias) => !!a && Object.keys(a.weights).length > 0;
const show = (a: Alias) => (a ? JSON.stringify(a) : 'no alias');

/**
 * Someone else moved the alias after the run's last successful read of it (an outage, or the
 * run's last calls were CloudWatch's): the run cannot know where the alias is now.
 */
function movedUnseen(p: Played): boolean {
  if (p.meddledAt === undefined || p.schedule.meddle?.what !== 'alias') return false;
  return !p.calls.slice(p.meddledAt).some((c) => c.operation === 'GetAlias' && c.status === 200);
}

/** Moved unseen while the run was only closing (the metric gates' CloudWatch calls, last). */
function movedWhileClosing(p: Played): boolean {
  const after = p.calls.slice(p.meddledAt);
  return (
    movedUnseen(p) &&
    after.every((c) => c.service === 'cloudwatch' || c.operation === 'GetDeployment')
  );
}

function successMeansReleased(p: Played): string | undefined {
  if (movedWhileClosing(p)) return undefined;
  const { status, version } = p.result;
  if (!['succeeded', 'created', 'skipped'].includes(status)) return undefined;
  if (!wholly(p.alias, version))
    return `status ${status} for version ${version}, but the alias is ${show(p.alias)}`;
  return undefined;
}

function rolledBackMeansPrevious(p: Played): string | undefined {
  if (!p.result.rolledBack || movedWhileClosing(p)) return undefined;
  if (!wholly(p.alias, p.result.previousVersion))
    return `rolled-back true, but the alias is ${show(p.alias)}, not wholly on the previous version ${p.result.previousVersion}`;
  return undefined;
}

function atMostOneVersion(p: Played): string | undefined {
  const published = p.versions - SEEDED_VERSIONS;
  return published > 1 ? `${published} versions published in one run` : undefined;
}

function atMostOneDeployment(p: Played): string | undefined {
  return p.ours.length > 1
    ? `${p.ours.length} deployments created in one run: ${p.ours.map((d) => d.deploymentId).join(', ')}`
    : undefined;
}

/** The summary shows notes, the cause and the alias as last read: one of them must say it. */
function splitIsReported(p: Played): string | undefined {
  if (!split(p.alias) || movedUnseen(p)) return undefined;
  // A run that never managed to read the alias cannot know.
  if (!p.calls.some((c) => c.operation === 'GetAlias' && c.status === 200)) return undefined;
  const r = p.result;
  // A deployment the run left running (on-timeout/on-cancel: leave, lost contact) shifts, and
  // may be stopped, after the summary was written; the summary says it was left running.
  if (/left running/.test(r.cause?.message ?? '')) return undefined;
  const texts = [...r.notes.map((n) => n.text), r.cause?.message ?? ''];
  if (texts.some((t) => /split/i.test(t))) return undefined;
  if (r.finalAlias && split(r.finalAlias)) return undefined;
  return `the alias is left split (${show(p.alias)}) and neither the notes, the cause nor the final alias say so`;
}

function nothingChangedBeforePreflight(p: Played): string | undefined {
  const end = p.preflightEnd ?? p.calls.length;
  const early = p.calls.slice(0, end).filter((c) => c.mutating);
  if (p.preflightEnd === undefined && early.length)
    return `preflight never passed, yet ${early.map((c) => c.operation).join(', ')} went out`;
  return early.length
    ? `${early.map((c) => c.operation).join(', ')} went out before preflight passed`
    : undefined;
}

function endsExplained(p: Played): string | undefined {
  if (p.escaped) return `release() threw: ${p.escaped}`;
  const { status, cause } = p.result;
  if ((status === 'failed' || status === 'stopped') && !cause?.message)
    return `status ${status} without a cause`;
  return undefined;
}

/** SDK retries and lost answers aside, the configuration is applied once (then published). */
function atMostOneConfigUpdate(p: Played): string | undefined {
  const applied = p.calls.filter(
    (c) => c.operation === 'UpdateFunctionConfiguration' && c.status === 200,
  ).length;
  return applied > 1
    ? `UpdateFunctionConfiguration applied ${applied} times in one run`
    : undefined;
}

/** A version this run published and released carries the configuration it was asked for. */
function releasedVersionIsConfigured(p: Played): string | undefined {
  const { status, version } = p.result;
  const wanted = p.schedule.scenario.source === 'code' ? p.schedule.scenario.config : undefined;
  if (!wanted || !['succeeded', 'created'].includes(status) || !version) return undefined;
  if (Number(version) <= SEEDED_VERSIONS) return undefined;
  const config = p.configOf(version) as
    | { MemorySize?: number; Environment?: { Variables?: Record<string, string> } }
    | undefined;
  const ok =
    wanted === 'memory'
      ? config?.MemorySize === 512
      : config?.Environment?.Variables?.STAGE === 'chaos';
  return ok
    ? undefined
    : `version ${version} was released without the ${wanted} asked for: ${JSON.stringify(config)}`;
}

/** Metric-gate alarms outlive a run only when it says so (or a cancel leaves them to the post step). */
function gateAlarmsCleanedUp(p: Played): string | undefined {
  if (p.gateAlarms.length === 0 || p.cancelled) return undefined;
  const texts = [...p.result.notes.map((n) => n.text), p.result.cause?.message ?? ''];
  if (p.gateAlarms.every((a) => texts.some((t) => t.includes(a)))) return undefined;
  return `metric-gate alarms left and not reported: ${p.gateAlarms.join(', ')}`;
}

export const INVARIANTS = [
  atMostOneConfigUpdate,
  releasedVersionIsConfigured,
  gateAlarmsCleanedUp,
  endsExplained,
  successMeansReleased,
  rolledBackMeansPrevious,
  atMostOneVersion,
  atMostOneDeployment,
  splitIsReported,
  nothingChangedBeforePreflight,
];

export function broken(p: Played): string[] {
  return INVARIANTS.map((check) => check(p)).filter((v): v is string => v !== undefined);
}
