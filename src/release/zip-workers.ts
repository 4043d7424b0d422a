// Worker threads that read and deflate whole batches of small files. One thread-pool trip per
// file read and per deflate costs more than deflating a small file itself (a deflate call sets
// up ~256 KiB of zlib state, and an async one crosses threads twice), so each worker does a
// batch in one go and sends back, in two transferred buffers, the batch's part of the archive
// (local headers and bodies) and of the central directory (offsets counted from the batch's
// start): the main thread only writes them, and stays free to hear a cancel.
import { Worker } from 'node:worker_threads';
import type { EntryHeader, headerWriters } from './zip-format.ts';
import { headerWriters as writers } from './zip-format.ts';
import { type Listing, listTree } from './zip-list.ts';

/** A batch of files, packed. */
export interface Packed {
  /** each file's local header and stored bytes, in order */
  data: Uint8Array;
  /** each file's central header, its offset counted from the start of `data` */
  central: Buffer;
}

/** What a worker is asked: a listing, or to pack a batch. */
export interface PackRequest {
  /** the files to read */
  paths: string[];
  /** their names in the archive */
  names: string[];
  /** 1 for an executable file */
  executable: number[];
  level: number;
}

interface Reply {
  listing?: Listing;
  data?: ArrayBuffer;
  central?: ArrayBuffer;
  error?: { message: string; code?: string };
}

/**
 * The worker's code. It is sent as source text (the bundle has no separate worker file), so it
 * uses nothing from outside itself; process.getBuiltinModule needs no require() or import.
 */
function workerMain(list: typeof listTree, headers: typeof headerWriters): void {
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  const fs = process.getBuiltinModule('node:fs');
  const zlib = process.getBuiltinModule('node:zlib');
  const v8 = process.getBuiltinModule('node:v8');
  const vm = process.getBuiltinModule('node:vm');
  // Every file read and every deflate leaves buffers behind (a deflate's output buffer is
  // 16 KiB however small the file), and V8 collects them only once some 64 MiB have piled up:
  // per worker, more than packaging may use. So the worker collects them itself, every MiB
  // or so (measured on 65,535 tiny files: 2 workers grew 174 MiB collecting every 64 MiB,
  // 54 MiB every 4 MiB, 46 MiB every MiB).
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  let garbage = 0;
  // Files are read into this one buffer (grown as needed): one open, read and close a file,
  // no buffer of its own (readFileSync would also stat it and allocate).
  let input = Buffer.allocUnsafe(64 * 1024);
  const read = (p: string): Buffer => {
    const fd = fs.openSync(p, 'r');
    try {
      let n = 0;
      for (;;) {
        if (n === input.length) {
          const bigger = Buffer.allocUnsafe(2 * input.length);
          input.copy(bigger, 0, 0, n);
          input = bigger;
        }
        const got = fs.readSync(fd, input, n, input.length - n, null);
        if (got === 0) return input.subarray(0, n);
        n += got;
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  const { localHeader, centralHeader } = headers();
  const fresh = { take: (bytes: number) => Buffer.allocUnsafe(bytes) };
  /** Its own ArrayBuffer (not a slice of Node's shared pool), so it can be transferred. */
  const joined = (parts: Buffer[], total: number) => {
    const all = new Uint8Array(total);
    let at = 0;
    for (const b of parts) {
      all.set(b, at);
      at += b.length;
    }
    return all.buffer;
  };
  parentPort?.on('message', (m: PackRequest & { list?: string }) => {
    try {
      if (m.list !== undefined) {
        const listing = list(m.list, gc);
        parentPort?.postMessage({ listing }, [listing.sizes.buffer, listing.executable.buffer]);
        // What the listing held is garbage now; collected before the batches pile onto it.
        gc();
        return;
      }
      const parts: Buffer[] = [];
      const centrals: Buffer[] = [];
      let total = 0;
      let centralTotal = 0;
      for (let i = 0; i < m.paths.length; i++) {
        const data = read(m.paths[i]!);
        // zlib's output buffer sized to the file (not its default 16 KiB), which for tiny files
        // made the deflate call 10 times slower; the bytes are the same whatever its size.
        const chunkSize = Math.max(64, data.length + 64);
        const deflated = zlib.deflateRawSync(data, { level: m.level, chunkSize });
        const stored = deflated.length >= data.length;
        // `data` is the shared input buffer: the stored copy must be its own.
        const body = stored ? Buffer.from(data) : deflated;
        const header: EntryHeader = {
          nameBytes: Buffer.from(m.names[i]!),
          executable: m.executable[i] === 1,
          crc: zlib.crc32(data) >>> 0,
          size: data.length,
          compressedSize: body.length,
          method: stored ? 0 : 8, // METHOD_STORE, METHOD_DEFLATE
        };
        const local = localHeader(fresh, header);
        const central = centralHeader(fresh, header, total);
        parts.push(local, body);
        centrals.push(central);
        total += local.length + body.length;
        centralTotal += central.length;
        garbage += body.length + chunkSize;
      }
      const data = joined(parts, total);
      const central = joined(centrals, centralTotal);
      parentPort?.postMessage({ data, central }, [data, central]);
      if (garbage > 1024 * 1024) {
        garbage = 0;
        gc();
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      parentPort?.postMessage({ error: { message: err.message, code: err.code } });
    }
  });
}

const WORKER_SOURCE = `(${workerMain.toString()})(${listTree.toString()}, ${writers.toString()})`;

interface Task {
  message: PackRequest | { list: string };
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/** Up to `size` workers, started when first needed; tasks wait for an idle one. */
export class WorkerPool {
  private readonly size: number;
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly queue: Task[] = [];

  constructor(size: number) {
    this.size = size;
  }

  /** Reads and packs a batch; a file that cannot be read rejects with its error. */
  async pack(request: PackRequest): Promise<Packed> {
    const reply = await this.call(request);
    return { data: new Uint8Array(reply.data!), central: Buffer.from(reply.central!) };
  }

  /** Lists the files under `dir` (zip-list.ts). */
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
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
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
