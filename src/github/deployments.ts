// GitHub's own record of a release (`github-environment`): one GitHub deployment per released
// entry, with statuses in_progress, then success, failure, error or inactive. A record is a
// courtesy: no failure here fails or delays the release, and a token without
// `deployments: write` is warned about once, after which nothing more is asked of GitHub.

/** GitHub's deployment status states the action uses. */
export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/** One released entry, as its GitHub deployment is made. */
export interface DeploymentEntry {
  /** The release's name for it, `region/function:alias`. */
  key: string;
  /** The GitHub environment, e.g. `production` or `production/orders-api`. */
  environment: string;
  /** The deployment's own description. */
  description: string;
  /** Whether GitHub should treat the environment as production. */
  production: boolean;
  /** What API readers find on the deployment (`payload`). */
  payload: Record<string, string>;
  /** The first status: in_progress, with what the release links to now. */
  status: EntryStatus;
}

export interface EntryStatus {
  state: DeploymentState;
  /** GitHub keeps at most 140 characters; longer ones are cut here. */
  description: string;
  /** The status's environment_url: the console page of the release. */
  url: string;
}

/** The two REST calls, in the project's terms (src/github/octokit.ts talks to GitHub). */
export interface DeploymentsApi {
  /** Returns the deployment's id. */
  createDeployment(d: NewDeployment, signal: AbortSignal): Promise<number>;
  createStatus(id: number, s: NewStatus, signal: AbortSignal): Promise<void>;
}

export interface NewDeployment {
  ref: string;
  environment: string;
  description: string;
  production: boolean;
  payload: Record<string, string>;
}

export interface NewStatus extends EntryStatus {
  logUrl: string;
}

/** The run the records point back to. */
export interface RunLinks {
  /** The commit released (GITHUB_SHA). */
  sha: string;
  /** The workflow run's page, this attempt. */
  runUrl: string;
}

export interface Log {
  info(message: string): void;
  warning(message: string): void;
}

/** GitHub allows at most this many characters in a status description. */
export const MAX_DESCRIPTION = 140;

/** Each call gives up after this long: a slow GitHub must not hold the release's end. */
const CALL_TIMEOUT_MS = 10_000;

interface Tracked {
  environment: string;
  id?: number;
  /** The calls of one entry, in order: a final status never overtakes an earlier one. */
  queue: Promise<void>;
}

/** The GitHub deployments of one release. */
export class GitHubDeployments {
  readonly #api: Promise<DeploymentsApi>;
  readonly #run: RunLinks;
  readonly #log: Log;
  readonly #records = new Map<string, Tracked>();
  /** Set once GitHub refused the token or the client failed to load: warned about once, nothing more is sent. */
  #denied = false;

  /** Hears of each deployment made (main saves its id for the post step). */
  readonly #onCreated: ((key: string, id: number) => void) | undefined;

  /** `api` may still be loading: the calls wait for it, the release does not. */
  constructor(
    api: Promise<DeploymentsApi>,
    run: RunLinks,
    log: Log,
    onCreated?: (key: string, id: number) => void,
  ) {
    this.#api = api;
    this.#run = run;
    this.#log = log;
    this.#onCreated = onCreated;
  }

  /** Creates each entry's deployment and its in_progress status, in the background. */
  start(entries: DeploymentEntry[]): void {
    for (const entry of entries) {
      const record: Tracked = { environment: entry.environment, queue: Promise.resolve() };
      this.#records.set(entry.key, record);
      this.#enqueue(record, 'create the GitHub deployment', async (api, signal) => {
        record.id = await api.createDeployment(
          {
            ref: this.#run.sha,
            environment: entry.environment,
            description: clip(entry.description),
            production: entry.production,
            payload: entry.payload,
          },
          signal,
        );
        this.#log.info(
          `Recording this release as GitHub deployment ${record.id} of environment ${entry.environment}.`,
        );
        this.#onCreated?.(entry.key, record.id);
        await api.createStatus(record.id, this.#withRun(entry.status), signal);
      });
    }
  }

  /** Entries whose deployments an earlier step made (the post step ends what main left). */
  resume(entries: { key: string; environment: string; id: number }[]): void {
    for (const { key, environment, id } of entries)
      this.#records.set(key, { environment, id, queue: Promise.resolve() });
  }

  /** Another status of a running entry (e.g. once its CodeDeploy deployment has a link). */
  update(key: string, status: EntryStatus): void {
    const record = this.#records.get(key);
    if (record) this.#send(record, status);
  }

  /** The entry's last status; resolves once sent, or given up on (never rejects). */
  finish(key: string, status: EntryStatus, signal?: AbortSignal): Promise<void> {
    const record = this.#records.get(key);
    if (!record) return Promise.resolve();
    this.#send(record, status, signal);
    if (!signal) return record.queue;
    // The deadline bounds the wait for earlier calls still in flight too.
    const deadline = new Promise<void>((done) => {
      if (signal.aborted) done();
      else signal.addEventListener('abort', () => done(), { once: true });
    });
    return Promise.race([record.queue, deadline]);
  }

  #send(record: Tracked, status: EntryStatus, signal?: AbortSignal): void {
    this.#enqueue(
      record,
      `set the GitHub deployment's status to ${status.state}`,
      async (api, s) => {
        // The deployment was never made (refused or failed): there is nothing to set.
        if (record.id !== undefined) await api.createStatus(record.id, this.#withRun(status), s);
      },
      signal,
    );
  }

  #withRun(s: EntryStatus): NewStatus {
    return { ...s, description: clip(s.description), logUrl: this.#run.runUrl };
  }

  #enqueue(
    record: Tracked,
    what: string,
    call: (api: DeploymentsApi, signal: AbortSignal) => Promise<void>,
    deadline?: AbortSignal,
  ): void {
    record.queue = record.queue.then(async () => {
      if (this.#denied) return;
      let api: DeploymentsApi;
      try {
        api = await this.#api;
      } catch (error) {
        // No client (e.g. behind a proxy): one warning, then nothing more is tried.
        this.#denied = true;
        this.#log.warning(
          `Could not load the GitHub client: ${(error as Error).message}. The release goes on without a GitHub deployment record.`,
        );
        return;
      }
      const timeout = AbortSignal.timeout(CALL_TIMEOUT_MS);
      const signal = deadline ? AbortSignal.any([timeout, deadline]) : timeout;
      try {
        await call(api, signal);
      } catch (error) {
        this.#failed(error, what, record.environment);
      }
    });
  }

  #failed(error: unknown, what: string, environment: string): void {
    if (this.#denied) return;
    const status = (error as { status?: unknown }).status;
    const message = (error as Error).message ?? String(error);
    // A token refused (401), or without the permission (403, or 404 where the repository is hidden).
    if (status === 401 || status === 403 || status === 404) {
      this.#denied = true;
      this.#log.warning(
        `GitHub refused to ${what} for environment ${environment} (GitHub API ${status}: ${message}). The release goes on without a GitHub deployment record. To record it, give the job \`permissions: deployments: write\`, or set \`github-token\` to a token with that permission.`,
      );
      return;
    }
    this.#log.warning(
      `Could not ${what} for environment ${environment} (GitHub API${typeof status === 'number' ? ` ${status}` : ''}: ${message}). The release itself is not affected.`,
    );
  }
}

/** A description GitHub accepts: one line, at most 140 characters. */
export function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_DESCRIPTION ? `${line.slice(0, MAX_DESCRIPTION - 1)}…` : line;
}

/** The run's page, this attempt, from the runner's variables; undefined outside a run. */
export function runLinks(env: Record<string, string | undefined>): RunLinks | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_SHA } =
    env;
  if (!GITHUB_REPOSITORY || !GITHUB_RUN_ID || !GITHUB_SHA) return undefined;
  const server = (GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const attempt = GITHUB_RUN_ATTEMPT ? `/attempts/${GITHUB_RUN_ATTEMPT}` : '';
  return {
    sha: GITHUB_SHA,
    runUrl: `${server}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}${attempt}`,
  };
}
