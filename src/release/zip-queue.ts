// The batches of one zip, handed in order from the loop that admits them under the limiter
// to the loop that writes them.
import type { FileEntry } from './zip-list.ts';
import type { Spilled } from './zip-stream.ts';
import type { Packed } from './zip-workers.ts';

/** Consecutive entries handled together: a batch of small files, or one streamed file. */
export interface Batch {
  entries: FileEntry[];
  /** bytes of input */
  bytes: number;
  streamed: boolean;
}

/** A batch admitted under the limiter: its work started, its room held until it is written. */
export interface Job {
  batch: Batch;
  /** For a batch of small files. */
  packed?: Promise<Packed>;
  /** For a large file. */
  spilled?: Promise<Spilled>;
  release: () => void;
}

/** Jobs handed from the admission loop to the writer, in entry order. */
export class JobQueue {
  private readonly items: Job[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private error: unknown;
  /** Set by the writer when it gives up: the admission loop stops. */
  stopped = false;

  put(job: Job): void {
    this.items.push(job);
    this.wake?.();
  }

  end(error?: unknown): void {
    this.ended = true;
    this.error = error;
    this.wake?.();
  }

  async take(): Promise<Job | undefined> {
    while (this.items.length === 0) {
      if (this.ended) {
        if (this.error !== undefined) throw this.error;
        return undefined;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
    return this.items.shift();
  }

  /** The writer gave up: the room of every job not written comes back once its work settles. */
  abandon(): void {
    this.stopped = true;
    for (const job of this.items.splice(0)) {
      const work = job.packed ?? job.spilled;
      if (work) work.then(job.release, job.release);
      else job.release();
    }
  }
}
