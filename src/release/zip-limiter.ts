// The bound on zipping: how many workers compress at once, how many batches of entries are in
// flight (read, compressed, or waiting for their turn to be written: twice the workers, so a
// worker does not idle while the writer catches up) and how many bytes they may hold between
// them. One limiter shared by several zips bounds them all together: a release of several
// functions passes the same limiter to each function's zip (and closes it at the end), so its
// peak memory follows this bound, not the number of functions.
import { availableParallelism } from 'node:os';
import { abortError } from './abort.ts';
import { WorkerPool } from './zip-workers.ts';

/**
 * What batches in flight may hold. With the workers' own memory (12 to 18 MiB each, most of it
 * a V8 isolate's and Node's), packaging stays inside the 64 MiB it may add to the step (issue
 * #21; `npm run bench` measures it).
 */
export const DEFAULT_ZIP_BYTES = 8 * 1024 * 1024;

export interface ZipBound {
  /** workers compressing at once; default: one per core */
  concurrency?: number;
  /** bytes the batches in flight may hold; default {@link DEFAULT_ZIP_BYTES} */
  bytes?: number;
}

interface Waiter {
  cost: number;
  go: () => void;
}

export class ZipLimiter {
  readonly concurrency: number;
  readonly bytes: number;
  /** The workers the zips under this bound compress with. */
  readonly workers: WorkerPool;
  private readonly inFlight: number;
  private running = 0;
  private used = 0;
  private readonly waiting: Waiter[] = [];

  constructor(bound: ZipBound = {}) {
    this.concurrency = Math.max(1, Math.floor(bound.concurrency ?? availableParallelism()));
    this.bytes = Math.max(1, bound.bytes ?? DEFAULT_ZIP_BYTES);
    this.inFlight = 2 * this.concurrency;
    this.workers = new WorkerPool(this.concurrency);
  }

  /** Ends the workers; call it once no zip under this bound is running. */
  close(): Promise<void> {
    return this.workers.close();
  }

  /**
   * Waits for room for one batch that holds `cost` bytes; resolves to the function that gives
   * the room back. A cost over the budget is counted as the whole budget: that entry runs alone.
   * Served first come, first served, so a large entry is not passed over for ever.
   */
  acquire(cost: number, signal?: AbortSignal): Promise<() => void> {
    const c = Math.min(Math.max(0, cost), this.bytes);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const waiter: Waiter = {
        cost: c,
        go: () => {
          signal?.removeEventListener('abort', onAbort);
          this.running++;
          this.used += c;
          resolve(this.releaser(c));
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(abortError());
        this.admit();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.admit();
    });
  }

  private releaser(cost: number): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running--;
      this.used -= cost;
      this.admit();
    };
  }

  private admit(): void {
    for (let next = this.waiting[0]; next; next = this.waiting[0]) {
      const fits = this.running === 0 || this.used + next.cost <= this.bytes;
      if (this.running >= this.inFlight || !fits) return;
      this.waiting.shift();
      next.go();
    }
  }
}
