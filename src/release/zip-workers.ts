// Worker threads that list the tree, read and deflate whole batches of small files, and deflate
// large files into spill files (zip-pack.ts). One thread-pool trip per file read and per
// deflate costs more than deflating a small file itself (an async deflate crosses threads
// twice), so each worker does a batch in one go, with one zlib stream for every file
// (zip-deflate.ts), and sends back the batch's part of the archive (local headers and bodies)
// and of the central directory (offsets counted from the batch's start) as transferred
// buffers: the main thread only writes them, and stays free to hear a cancel.
import { Worker } from 'node:worker_threads';
import { deflater as makeDeflater } from './zip-deflate.ts';
import type { headerWriters } from './zip-format.ts';
import { headerWriters as writers } from './zip-format.ts';
import { type Listing, listTree } from './zip-list.ts';
import { type PackRequest, packer, type Spilled, type SpillRequest } from './zip-pack.ts';

export type { PackRequest, Spilled, SpillRequest };

/** A batch of files, packed. */
export interface Packed {
  /** each file's local header and stored bytes, in order */
  data: Uint8Array;
  /** each file's central header, its offset counted from the start of `data` */
  central: Buffer;
}

interface Reply {
  listing?: Listing;
  data?: ArrayBuffer;
  central?: ArrayBuffer;
  spilled?: Spilled;
  error?: { message: string; code?: string };
}

type Request = { list: string } | { pack: PackRequest } | { spill: SpillRequest };

/**
 * The worker's code. It is sent as source text (the bundle has no separate worker file), so it
 * uses nothing from outside itself; process.getBuiltinModule needs no require() or import.
 */
function workerMain(
  list: typeof listTree,
  makePacker: typeof packer,
  headers: typeof headerWriters,
  deflater: typeof makeDeflater,
): void {
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  const v8 = process.getBuiltinModule('node:v8');
  const vm = process.getBuiltinModule('node:vm');
  // What a batch leaves behind (its names, headers and messages) is small, but V8 lets it pile
  // up for a long while: the worker collects it itself every few thousand files (measured on
  // 65,535 tiny files: 2 workers 55 MiB above idle, 63 MiB without).
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const GC_EVERY_FILES = 4096;
  let files = 0;
  const { pack, spill } = makePacker(headers, deflater);
  const answer = (m: Request) => {
    if ('list' in m) {
      const listing = list(m.list, gc);
      parentPort?.postMessage({ listing }, [
        listing.names.buffer,
        listing.sizes.buffer,
        listing.executable.buffer,
      ]);
      // What the listing held is garbage now; collected before the batches pile onto it.
      gc();
      return;
    }
    if ('spill' in m) return parentPort?.postMessage({ spilled: spill(m.spill) });
    const { data, central } = pack(m.pack);
    parentPort?.postMessage({ data, central }, [data, central]);
    files += m.pack.paths.length;
    if (files > GC_EVERY_FILES) {
      files = 0;
      gc();
    }
  };
  parentPort?.on('message', (m: Request) => {
    try {
      answer(m);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      parentPort?.postMessage({ error: { message: err.message, code: err.code } });
    }
  });
}

const WORKER_SOURCE = `(${workerMain.toString()})(${listTree.toString()}, ${packer.toString()}, ${writers.toString()}, ${makeDeflater.toString()})`;

/** Where a zip's work is done: worker threads, or this thread for a small tree. */
export interface ZipPool {
  /** Reads and packs a batch; a file that cannot be read rejects with its error. */
  pack(request: PackRequest): Promise<Packed>;
  /** Deflates a large file into a spill file; a file that cannot be read rejects with its error. */
  spill(request: SpillRequest): Promise<Spilled>;
  /** Lists the files under `dir` (zip-list.ts). */
  list(dir: string): Promise<Listing>;
}

/**
 * The workers' code run on this thread, for a tree so small that starting a thread would cost
 * more than zipping it (a bundled function: a few files, a few hundred KiB). Each call holds
 * the thread for a few milliseconds at most.
 */
export class InlinePool implements ZipPool {
  readonly #packer = packer(writers, makeDeflater);

  async pack(request: PackRequest): Promise<Packed> {
    const { data, central } = this.#packer.pack(request);
    return { data: new Uint8Array(data), central: Buffer.from(central) };
  }

  async spill(request: SpillRequest): Promise<Spilled> {
    return this.#packer.spill(request);
  }

  async list(dir: string): Promise<Listing> {
    return listTree(dir);
  }
}

interface Task {
  message: Request;
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/** Up to `size` workers, started when first needed; tasks wait for an idle one. */
export class WorkerPool implements ZipPool {
  private readonly size: number;
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly queue: Task[] = [];

  constructor(size: number) {
    this.size = size;
  }

  async pack(request: PackRequest): Promise<Packed> {
    const reply = await this.call({ pack: request });
    return { data: new Uint8Array(reply.data!), central: Buffer.from(reply.central!) };
  }

  async spill(request: SpillRequest): Promise<Spilled> {
    return (await this.call({ spill: request })).spilled!;
  }

  async list(dir: string): Promise<Listing> {
    return (await this.call({ list: dir })).listing!;
  }

  private call(message: Task['message']): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends the workers; tasks still queued or running reject. */
  async close(): Promise<void> {
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    for (const task of this.queue.splice(0)) task.reject(new Error('the zip workers were closed'));
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? this.start();
      if (!worker) return;
      this.run(worker, this.queue.shift()!);
    }
  }

  private start(): Worker | undefined {
    if (this.all.size >= this.size) return undefined;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // A worker holds a batch at a time: a small heap is enough, and keeps its RSS small.
      resourceLimits: { maxYoungGenerationSizeMb: 1 },
    });
    // An idle worker does not keep the step alive; close() ends them all.
    worker.unref();
    this.all.add(worker);
    return worker;
  }

  private run(worker: Worker, task: Task): void {
    const done = (reply: Reply) => {
      worker.off('error', failed);
      worker.off('exit', failed);
      if (reply.error) {
        const error = new Error(reply.error.message) as NodeJS.ErrnoException;
        if (reply.error.code) error.code = reply.error.code;
        task.reject(error);
      } else task.resolve(reply);
      if (!this.all.has(worker)) return;
      this.idle.push(worker);
      this.dispatch();
    };
    const failed = (error: unknown) => {
      worker.off('message', done);
      this.all.delete(worker);
      task.reject(error instanceof Error ? error : new Error(`zip worker exited (${error})`));
      this.dispatch();
    };
    worker.once('message', done);
    worker.once('error', failed);
    worker.once('exit', failed);
    worker.postMessage(task.message);
  }
}
