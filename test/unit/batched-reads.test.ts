// The batched deployment reads of a release of several functions, on a clock the test moves:
// which reads go out together, when a read waits for the others and when it does not.
import { describe, expect, it } from 'vitest';
import { CodeDeployApi, type DeploymentState } from '../../src/aws/codedeploy.ts';
import { abortError } from '../../src/release/abort.ts';
import { BatchedDeploymentReads, GATHER_MS } from '../../src/release/batched-reads.ts';
import type { Clock } from '../../src/release/deps.ts';

/** Time moves only when the test says; sleepers wake in order as it passes them. */
class TestClock implements Clock {
  t = 1_000_000;
  #sleepers: { until: number; wake: () => void }[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = { until: this.t + ms, wake: resolve };
      this.#sleepers.push(s);
      signal?.addEventListener('abort', () => {
        this.#sleepers.splice(this.#sleepers.indexOf(s), 1);
        reject(abortError());
      });
    });
  }
  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    for (;;) {
      await settle();
      const next = this.#sleepers
        .filter((s) => s.until <= until)
        .sort((a, b) => a.until - b.until)[0];
      if (!next) break;
      this.t = next.until;
      this.#sleepers.splice(this.#sleepers.indexOf(next), 1);
      next.wake();
    }
    this.t = until;
    await settle();
  }
}

const settle = () => new Promise((r) => setImmediate(r));

const A = 'd-AAAAAAAAA';
const B = 'd-BBBBBBBBB';
const C = 'd-CCCCCCCCC';

/** A CodeDeploy whose deployments have the statuses the test sets; records each batch. */
function setUp(opts: { staleMs?: number; random?: () => number } = {}) {
  const clock = new TestClock();
  const statuses = new Map<string, string>([
    [A, 'InProgress'],
    [B, 'InProgress'],
    [C, 'InProgress'],
  ]);
  const batches: { at: number; ids: string[] }[] = [];
  let failWith: Error | undefined;
  const reads = new BatchedDeploymentReads(
    async (ids) => {
      batches.push({ at: clock.now(), ids: [...ids].sort() });
      if (failWith) throw failWith;
      const out = new Map<string, DeploymentState>();
      for (const id of ids) if (statuses.has(id)) out.set(id, { status: statuses.get(id) });
      return out;
    },
    clock,
    { staleMs: opts.staleMs ?? 30_000, random: opts.random },
  );
  return { clock, statuses, batches, reads, fail: (e?: Error) => (failWith = e) };
}

/** Every watched deployment read once, together (each watch's first poll, answered). */
async function watchAll(s: ReturnType<typeof setUp>, ids = [A, B, C]) {
  const answers = Promise.all(ids.map((id) => s.reads.getDeployment(id)));
  await s.clock.advance(GATHER_MS);
  return answers;
}

describe('batched deployment reads', () => {
  it('reads of every watched deployment go out as one BatchGetDeployments, each getting its own', async () => {
    const s = setUp();
    s.statuses.set(B, 'Succeeded');
    await watchAll(s);
    s.batches.length = 0;
    s.statuses.set(C, 'Baking');
    await s.clock.advance(1_000);
    const answers = Promise.all([A, C].map((id) => s.reads.getDeployment(id)));
    await s.clock.advance(0);
    expect(s.batches).toEqual([{ at: s.clock.t, ids: [A, C] }]);
    expect((await answers).map((a) => a.status)).toEqual(['InProgress', 'Baking']);
  });

  it('a read goes out the moment the last watched deployment is asked for, without waiting', async () => {
    const s = setUp();
    await watchAll(s);
    s.batches.length = 0;
    await s.clock.advance(1_000);
    const first = s.reads.getDeployment(A);
    await s.clock.advance(100);
    const second = s.reads.getDeployment(B);
    const third = s.reads.getDeployment(C);
    await settle();
    expect(s.batches).toEqual([{ at: s.clock.t, ids: [A, B, C] }]);
    await Promise.all([first, second, third]);
  });

  it('the first read of a release goes out at once: no other deployment is watched yet', async () => {
    const s = setUp();
    const start = s.clock.t;
    await s.reads.getDeployment(A);
    expect(s.batches).toEqual([{ at: start, ids: [A] }]);
  });

  it('waits at most GATHER_MS for a deployment that can be asked for by then; later ones go next', async () => {
    const s = setUp();
    await watchAll(s);
    s.batches.length = 0;
    await s.clock.advance(1_000);
    const a = s.reads.getDeployment(A);
    const b = s.reads.getDeployment(B);
    await s.clock.advance(GATHER_MS - 1);
    expect(s.batches).toEqual([]);
    await s.clock.advance(1);
    const sentAt = s.clock.t;
    expect(s.batches).toEqual([{ at: sentAt, ids: [A, B] }]);
    await Promise.all([a, b]);
    // C now: A and B were just answered and cannot ask again within the window, so no wait.
    await s.clock.advance(50);
    await s.reads.getDeployment(C);
    expect(s.batches.at(-1)).toEqual({ at: sentAt + 50, ids: [C] });
  });

  it('a deployment seen ended, or one whose watch stopped asking, is not waited for', async () => {
    const s = setUp({ staleMs: 20_000 });
    s.statuses.set(C, 'Succeeded');
    await watchAll(s);
    s.batches.length = 0;
    // C ended: A and B alone make a full batch.
    await s.clock.advance(2_000);
    await Promise.all([s.reads.getDeployment(A), s.reads.getDeployment(B)]);
    expect(s.batches).toEqual([{ at: s.clock.t, ids: [A, B] }]);
    // B's watch stops asking; once stale, A's reads go out at once.
    await s.clock.advance(19_000);
    const late = s.reads.getDeployment(A);
    await settle();
    expect(s.batches).toHaveLength(1);
    await s.clock.advance(GATHER_MS);
    await late;
    await s.clock.advance(2_000);
    const at = s.clock.t;
    await s.reads.getDeployment(A);
    expect(s.batches.at(-1)).toEqual({ at, ids: [A] });
  });

  it('every watch served by one answer draws the same jitter; the next answer draws anew', async () => {
    let n = 0;
    const s = setUp({ random: () => ++n / 10 });
    await watchAll(s);
    const first = [s.reads.jitter(), s.reads.jitter(), s.reads.jitter()];
    expect(new Set(first).size).toBe(1);
    await s.clock.advance(1_000);
    await watchAll(s);
    expect(s.reads.jitter()).not.toBe(first[0]);
  });

  it("an error reaches every read of the batch; an id missing from the answer is 'does not exist'", async () => {
    const s = setUp();
    await watchAll(s);
    await s.clock.advance(1_000);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    s.fail(throttled);
    const failed = await Promise.allSettled([A, B, C].map((id) => s.reads.getDeployment(id)));
    expect(failed.map((f) => f.status === 'rejected' && f.reason)).toEqual([
      throttled,
      throttled,
      throttled,
    ]);
    s.fail();
    s.statuses.delete(B);
    await s.clock.advance(1_000);
    const [, b] = await Promise.allSettled([A, B, C].map((id) => s.reads.getDeployment(id)));
    expect(b).toMatchObject({
      status: 'rejected',
      reason: { name: 'DeploymentDoesNotExistException' },
    });
  });
});

describe('CodeDeployApi.batchGetDeployments', () => {
  it('sends at most 25 ids a call and maps every deployment AWS returns', async () => {
    const sent: string[][] = [];
    const client = {
      send: async (command: { input: { deploymentIds: string[] } }) => {
        const ids = command.input.deploymentIds;
        sent.push(ids);
        return {
          deploymentsInfo: ids.slice(1).map((deploymentId) => ({ deploymentId, status: 'Ready' })),
        };
      },
    };
    const ids = Array.from({ length: 30 }, (_, i) => `d-${String(i).padStart(9, '0')}`);
    const api = new CodeDeployApi(client as never);
    const out = await api.batchGetDeployments(ids);
    expect(sent.map((s) => s.length)).toEqual([25, 5]);
    expect(sent.flat()).toEqual(ids);
    // The first id of each call is left out of the fake's answer: absent from the map.
    expect(out.size).toBe(28);
    expect(out.get(ids[1]!)).toMatchObject({ status: 'Ready' });
    expect(out.has(ids[25]!)).toBe(false);
  });
});
