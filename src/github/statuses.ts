// What a release's GitHub deployment says, from the release's own facts: the entry when it
// starts, and a status as it goes and when it ends. Pure.
import { releaseUrl } from '../aws/console.ts';
import type { AliasState, ReleaseResult } from '../release/result.ts';
import type { PostReport } from '../report/post-summary.ts';
import { functionNameOf } from '../settings/index.ts';
import type { DeploymentEntry, EntryStatus } from './deployments.ts';

/** The facts of a release (one entry) the records are worded from. */
export type EntryFacts = Pick<
  ReleaseResult,
  | 'status'
  | 'region'
  | 'functionName'
  | 'alias'
  | 'version'
  | 'previousVersion'
  | 'deploymentId'
  | 'rolledBack'
  | 'finalAlias'
  | 'cause'
>;

/** The release's name for an entry, `region/function:alias`. */
export function entryKey(f: Pick<EntryFacts, 'region' | 'functionName' | 'alias'>): string {
  return `${f.region}/${functionNameOf(f.functionName)}:${f.alias}`;
}

function target(f: Pick<EntryFacts, 'functionName' | 'alias'>): string {
  return `${functionNameOf(f.functionName)}:${f.alias}`;
}

/**
 * An environment whose first part is `production` or `prod` (`production/orders-api`) is a
 * production one; GitHub's own default counts only the name `production`.
 */
export function isProduction(environment: string): boolean {
  return /^prod(uction)?$/i.test(environment.split('/')[0] ?? '');
}

/**
 * Each entry's GitHub environment: `base` for a release of one function; for several,
 * `base/<function>`, with `/<region>` and then `:<alias>` added only where names would clash
 * (GitHub marks an environment's earlier successful deployments inactive on each success).
 */
export function entryEnvironments(
  base: string,
  entries: Pick<EntryFacts, 'region' | 'functionName' | 'alias'>[],
): string[] {
  if (entries.length === 1) return [base];
  const labels = [
    (f: (typeof entries)[number]) => functionNameOf(f.functionName),
    (f: (typeof entries)[number]) => `${functionNameOf(f.functionName)}/${f.region}`,
    (f: (typeof entries)[number]) => `${functionNameOf(f.functionName)}/${f.region}:${f.alias}`,
  ];
  const names = entries.map((f) => {
    const clashes = (label: (typeof labels)[number]) =>
      entries.filter((g) => label(g) === label(f)).length > 1;
    const label = labels.find((l) => !clashes(l)) ?? labels[2]!;
    return `${base}/${label(f)}`;
  });
  return names;
}

/** The entry as its GitHub deployment is created, before anything is known but the target. */
export function startEntry(f: EntryFacts, environment: string): DeploymentEntry {
  return {
    key: entryKey(f),
    environment,
    description: `Lambda ${target(f)} in ${f.region}, by lambda-gated-release`,
    production: isProduction(environment),
    payload: {
      region: f.region,
      function: functionNameOf(f.functionName),
      alias: f.alias,
    },
    status: {
      state: 'in_progress',
      description: `Releasing ${target(f)} (${f.region})`,
      url: releaseUrl(f),
    },
  };
}

/** Once the CodeDeploy deployment exists: still in progress, now linking to it. */
export function deployingStatus(f: EntryFacts): EntryStatus {
  return {
    state: 'in_progress',
    description: `Version ${f.version} on ${target(f)}${from(f)}: CodeDeploy deployment ${f.deploymentId} running`,
    url: releaseUrl(f),
  };
}

/** ` (from version 2)`, when the alias was on a version before. */
function from(f: EntryFacts): string {
  return f.previousVersion ? ` (from version ${f.previousVersion})` : '';
}

/** Where the alias is, as far as the release confirmed it. */
function traffic(f: EntryFacts): string {
  if (f.rolledBack) return `traffic back on version ${f.previousVersion}`;
  const a = f.finalAlias;
  if (!a) return f.deploymentId ? 'traffic not confirmed back' : 'alias not confirmed';
  const split = Object.keys(a.weights).length > 0;
  return split ? `alias split on version ${a.version} and others` : `alias on version ${a.version}`;
}

/** The alias was read back wholly where it was before the release. */
function trafficBack(f: EntryFacts): boolean {
  if (f.rolledBack) return true;
  const a = f.finalAlias;
  if (!a) return false;
  return Object.keys(a.weights).length === 0 && a.version === f.previousVersion;
}

/**
 * The last status of a run that ended (`cancelled`: by the workflow run's cancel). A dry run
 * makes no record, so `planned` does not come here.
 */
export function finalStatus(f: EntryFacts, cancelled = false): EntryStatus {
  const url = releaseUrl(f);
  const v = `version ${f.version}`;
  // Before a version was known, the target alone.
  const what = f.version ? `${v} on ${target(f)}` : target(f);
  if (cancelled)
    // Cancelled with traffic where it was: the record is no longer live; otherwise an error.
    return {
      state: trafficBack(f) ? 'inactive' : 'error',
      description: `Cancelled: ${what}; ${traffic(f)}`,
      url,
    };
  switch (f.status) {
    case 'succeeded':
      return { state: 'success', description: `Released ${v} to ${target(f)}${from(f)}`, url };
    case 'created':
      return { state: 'success', description: `Created alias ${target(f)} on ${v}`, url };
    case 'skipped':
      return {
        state: 'success',
        description: `${target(f)} already on ${v}: nothing new to release`,
        url,
      };
    case 'started':
      return {
        state: 'in_progress',
        description: `Version ${f.version} on ${target(f)}${from(f)}: CodeDeploy deployment ${f.deploymentId} started, not waited for (wait: false)`,
        url,
      };
    default: {
      const code = f.cause?.code ? ` (${f.cause.code})` : '';
      return {
        state: 'failure',
        description: `${f.status === 'stopped' ? 'Stopped' : 'Failed'}${code}: ${what}; ${traffic(f)}`,
        url,
      };
    }
  }
}

const wholly = (a: AliasState | null | undefined, v: string | undefined) =>
  !!a && !!v && a.version === v && Object.keys(a.weights).length === 0;

/**
 * The last status the post step sends when main ended without one (killed): from what the
 * post step found and did.
 */
export function postStatus(r: PostReport): EntryStatus {
  const url = releaseUrl(r);
  const t = target(r);
  const id = r.deploymentId ?? '';
  const now = r.aliasNow ? `; alias on version ${r.aliasNow.version}` : '';
  const early = 'The step ended early';
  switch (r.kind) {
    case 'stopped':
      return r.restored
        ? {
            state: 'inactive',
            description: `${early}: deployment ${id} stopped, ${t} back on version ${r.previous}`,
            url,
          }
        : { state: 'error', description: `${early}: deployment ${id} stopped${now}`, url };
    case 'ended':
      return {
        state: r.status === 'Succeeded' ? 'success' : 'failure',
        description: `${early}: deployment ${id} had ended ${r.status}${now}`,
        url,
      };
    case 'left':
      return {
        state: 'in_progress',
        description: `${early}: deployment ${id} left running (on-cancel: leave)`,
        url,
      };
    case 'returned':
      return r.restored
        ? {
            state: 'inactive',
            description: `${early}: ${t} returned to version ${r.previous} after the release stopped`,
            url,
          }
        : {
            state: 'error',
            description: `${early}: ${t} could not be returned to version ${r.previous}${now}`,
            url,
          };
    case 'no-deployment':
      return {
        state: wholly(r.aliasNow, r.previous) ? 'inactive' : 'error',
        description: `${early}, with no deployment of ${t}${now}`,
        url,
      };
    default:
      return { state: 'error', description: `${early}; the post step could not check ${t}`, url };
  }
}
