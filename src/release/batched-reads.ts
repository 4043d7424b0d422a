// The watch's deployment reads for a release of several functions: one BatchGetDeployments per
// region per poll for every deployment watched there (docs/aws-semantics.md, "Watching several
// deployments"). Each entry's watch loop still asks for its own deployment on its own schedule;
// a read waits at most GATHER_MS for the other watched deployments that can be asked for by
// then, and goes out at once when all of them are. Waiting moves the early loop toward the late
// one, and every loop served by one answer draws the same jitter, so the loops of one wave come
// together after a poll or two and stay together.
import { type DeploymentState, isTerminal } from '../aws/codedeploy.ts';
import { awsError } from '../aws/errors.ts';
import type { Clock, CodeDeployService, PollingDeps } from './deps.ts';
import { MIN_POLL_INTERVAL_MS } from './schedule.ts';

/** How long a read waits for the reads of the other watched deployments. */
export const GATHER_MS = 250;

/** Every id's state in one go, as many calls as AWS's 25-id limit needs (CodeDeployApi). */
export type BatchGet = (ids: readonly string[]) => Promise<Map<string, DeploymentState>>;

interface Gathering {
  ids: Set<string>;
  answer: Promise<Map<string, DeploymentState>>;
  send(): void;
}

export interface BatchedReadsOptions {
  /** A deployment not asked for this long is no longer waited for (its watch has ended). */
  staleMs: number;
  gatherMs?: number;
  /** Default Math.random. */
  random?: () => number;
}

export class BatchedDeploymentReads {
  /** The deployments being watched (asked for and not yet seen ended): when each last asked and was answered. */
  readonly #watched = new Map<string, { asked: number; answered?: number }>();
  #gathering: Gathering | undefined;
  #jitter: number;
  readonly #random: () => number;
  private readonly batchGet: BatchGet;
  private readonly clock: Clock;
  private readonly opts: BatchedReadsOptions;

  constructor(batchGet: BatchGet, clock: Clock, opts: BatchedReadsOptions) {
    this.batchGet = batchGet;
    this.clock = clock;
    this.opts = opts;
    this.#random = opts.random ?? Math.random;
    this.#jitter = this.#random();
  }

  getDeployment = async (id: string): Promise<DeploymentState> => {
    const w = this.#watched.get(id);
    this.#watched.set(id, { ...w, asked: this.clock.now() });
    this.#gathering ??= this.#gather();
    const g = this.#gathering;
    g.ids.add(id);
    if (this.#everyoneAsked(g)) g.send();
    const state = (await g.answer).get(id);
    if (!state) throw notFound(id);
    return state;
  };

  /** The jitter drawn with the latest answer: the schedules it served spread their polls alike. */
  jitter = (): number => this.#jitter;

  /**
   * Every watched deployment that can still ask within the window has: one answered less
   * than a poll's minimum interval before the window ends will not, nor one whose watch has
   * ended (not asked for `staleMs`).
   */
  #everyoneAsked(g: Gathering): boolean {
    const now = this.clock.now();
    const windowEnd = now + (this.opts.gatherMs ?? GATHER_MS);
    for (const [id, w] of this.#watched) {
      if (g.ids.has(id) || w.asked < now - this.opts.staleMs) continue;
      if (w.answered !== undefined && w.answered + MIN_POLL_INTERVAL_MS > windowEnd) continue;
      return false;
    }
    return true;
  }

  #gather(): Gathering {
    const timer = new AbortController();
    let sent: (ids: string[]) => void;
    const ready = new Promise<string[]>((resolve) => {
      sent = resolve;
    });
    const g: Gathering = {
      ids: new Set(),
      answer: ready.then((ids) => this.#read(ids)),
      send: () => {
        if (this.#gathering !== g) return;
        // Reads from now on start the next batch.
        this.#gathering = undefined;
        timer.abort();
        // Asked and not yet answered: none of these can ask again within a window.
        for (const id of g.ids) this.#watched.get(id)!.answered = this.clock.now();
        sent([...g.ids]);
      },
    };
    this.clock.sleep(this.opts.gatherMs ?? GATHER_MS, timer.signal).then(g.send, () => {});
    return g;
  }

  async #read(ids: string[]): Promise<Map<string, DeploymentState>> {
    const answer = await this.batchGet(ids);
    const now = this.clock.now();
    for (const id of ids) {
      const w = this.#watched.get(id);
      if (w) w.answered = now;
      if (isTerminal(answer.get(id)?.status)) this.#watched.delete(id);
    }
    this.#jitter = this.#random();
    return answer;
  }
}

/** As GetDeployment says of an id it does not know (docs/aws-semantics.md, "Watching several deployments"). */
function notFound(id: string): Error {
  const error = new Error(
    `BatchGetDeployments did not return deployment ${id}: it does not exist in this region.`,
  );
  error.name = 'DeploymentDoesNotExistException';
  return error;
}

/**
 * The watch's reads for one region of a release of several functions: deployments through one
 * batched reader, the rest as they were.
 */
/**
 * BatchGetDeployments, or GetDeployment per id once it is refused as unknown or not allowed: a
 * role whose policy predates releases of several functions may lack
 * codedeploy:BatchGetDeployments, and the release can still be watched (with more calls).
 */
function orOneByOne(
  cd: Pick<CodeDeployService, 'getDeployment'> & { batchGetDeployments: BatchGet },
  warn: ((message: string) => void) | undefined,
): BatchGet {
  let oneByOne = false;
  return async (ids) => {
    if (!oneByOne)
      try {
        return await cd.batchGetDeployments(ids);
      } catch (error) {
        if (!refusedBatch(error)) throw error;
        // Two reads in flight may both be refused: one warning.
        if (!oneByOne)
          warn?.(
            `CodeDeploy refused BatchGetDeployments (${awsError(error).name}): watching each deployment with GetDeployment instead, which costs more calls. Allow codedeploy:BatchGetDeployments to the role (README, IAM policy).`,
          );
        oneByOne = true;
      }
    const states = await Promise.all(ids.map((id) => cd.getDeployment(id)));
    return new Map(ids.map((id, i) => [id, states[i]!]));
  };
}

function refusedBatch(error: unknown): boolean {
  const { name, message } = awsError(error);
  if (/UnknownOperation|InvalidAction|UnsupportedOperation|NotImplemented/i.test(name)) return true;
  return /AccessDenied/i.test(name) && /BatchGetDeployments/.test(message);
}

export function batchedPolling(
  polling: PollingDeps & {
    codedeploy: Pick<CodeDeployService, 'getLambdaTarget' | 'getDeployment'> & {
      batchGetDeployments: BatchGet;
    };
  },
  clock: Clock,
  opts: BatchedReadsOptions & { warn?: (message: string) => void },
): PollingDeps {
  const cd = polling.codedeploy;
  const reads = new BatchedDeploymentReads(orOneByOne(cd, opts.warn), clock, opts);
  return {
    lambda: polling.lambda,
    codedeploy: {
      getDeployment: reads.getDeployment,
      getLambdaTarget: (id) => cd.getLambdaTarget(id),
    },
    jitter: reads.jitter,
  };
}
