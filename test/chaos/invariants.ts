// What a user relies on, whatever went wrong during the run: each returns a sentence when
// it is broken.
import type { Played } from './play.ts';
import { SEEDED_VERSIONS } from './play.ts';

type Alias = Played['alias'];

const wholly = (a: Alias, v: string | undefined) =>
  !!a && v !== undefined && a.version === v && Object.keys(a.weights).length === 0;
const split = (a: Alias) => !!a && Object.keys(a.weights).length > 0;
const show = (a: Alias) => (a ? JSON.stringify(a) : 'no alias');

function successMeansReleased(p: Played): string | undefined {
  const { status, version } = p.result;
  if (!['succeeded', 'created', 'skipped'].includes(status)) return undefined;
  if (!wholly(p.alias, version))
    return `status ${status} for version ${version}, but the alias is ${show(p.alias)}`;
  return undefined;
}

function rolledBackMeansPrevious(p: Played): string | undefined {
  if (!p.result.rolledBack) return undefined;
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
  if (!split(p.alias)) return undefined;
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

export const INVARIANTS = [
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
