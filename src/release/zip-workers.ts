// Worker threads that read and deflate whole batches of small files. One thread-pool trip per
// file read and per deflate costs more than deflating a small file itself (an async deflate
// crosses threads twice), so each worker does a batch in one go, with one zlib stream for
// every file (zip-deflate.ts), writing each entry in place into the batch's part of the
// archive (local headers and bodies) and of the central directory (offsets counted from the
// batch's start), and sends both back as transferred buffers: the main thread only writes
// them, and stays free to hear a cancel.
import { Worker } from 'node:worker_threads';
import { deflater as makeDeflater } from './zip-deflate.ts';
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
  /** their sizes as listed (the output's room; a file that grew since is still read whole) */
  sizes: number[];
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
function workerMain(
  list: typeof listTree,
  headers: typeof headerWriters,
  deflater: typeof makeDeflater,
): void {
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  const fs = process.getBuiltinModule('node:fs');
  const zlib = process.getBuiltinModule('node:zlib');
  const v8 = process.getBuiltinModule('node:v8');
  const vm = process.getBuiltinModule('node:vm');
  // What a batch leaves behind (its names, headers and messages) is small, but V8 lets it pile
  // up for a long while: the worker collects it itself every few thousand files.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const GC_EVERY_FILES = 4096;
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
  let deflate: { level: number; into: ReturnType<typeof deflater> } | undefined;
  /** A batch's bytes, written in place: its own ArrayBuffer, so that it can be transferred. */
  const output = (capacity: number) => {
    let buf = Buffer.from(new ArrayBuffer(capacity));
    let used = 0;
    return {
      get buf() {
        return buf;
      },
      get used() {
        return used;
      },
      /** Room for `bytes` more at `used` (a file grew since it was listed: copied once). */
      room(bytes: number) {
        if (used + bytes <= buf.length) return;
        const bigger = Buffer.from(new ArrayBuffer(2 * (used + bytes)));
        buf.copy(bigger, 0, 0, used);
        buf = bigger;
      },
      /** A header writer's scratch: the next `bytes` of the output. */
      take(bytes: number) {
        this.room(bytes);
        used += bytes;
        return buf.subarray(used - bytes, used);
      },
      skip(bytes: number) {
        used += bytes;
      },
      /** The bytes written, transferable (copied only when the buffer was larger than needed). */
      done(): ArrayBuffer {
        const ab = buf.buffer as ArrayBuffer;
        return used === ab.byteLength ? ab : ab.slice(0, used);
      },
    };
  };
  parentPort?.on('message', (m: PackRequest & { list?: string }) => {
    try {
      if (m.list !== undefined) {
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
      if (deflate?.level !== m.level) deflate = { level: m.level, into: deflater(zlib, m.level) };
      const deflateInto = deflate.into;
      const names = m.names.map((n) => Buffer.from(n));
      let dataBytes = 0;
      let centralBytes = 0;
      for (let i = 0; i < names.length; i++) {
        dataBytes += 30 + names[i]!.length + m.sizes[i]!; // LOCAL_HEADER_SIZE
        centralBytes += 46 + names[i]!.length; // CENTRAL_HEADER_SIZE
      }
      const data = output(dataBytes);
      const central = output(centralBytes);
      for (let i = 0; i < names.length; i++) {
        const input = read(m.paths[i]!);
        const nameBytes = names[i]!;
        const offset = data.used;
        // The body goes after the header, whose sizes are known only once it is written.
        const bodyAt = offset + 30 + nameBytes.length;
        data.room(30 + nameBytes.length + input.length);
        // Deflate stops short when it does not shrink the file: the file is stored instead.
        const deflated = deflateInto(input, data.buf, bodyAt, input.length);
        const stored = deflated < 0;
        if (stored) input.copy(data.buf, bodyAt);
        const header: EntryHeader = {
          nameBytes,
          executable: m.executable[i] === 1,
          crc: zlib.crc32(input) >>> 0,
          size: input.length,
          compressedSize: stored ? input.length : deflated,
          method: stored ? 0 : 8, // METHOD_STORE, METHOD_DEFLATE
        };
        localHeader(data, header);
        data.skip(header.compressedSize);
        centralHeader(central, header, offset);
      }
      const dataBuffer = data.done();
      const centralBuffer = central.done();
      parentPort?.postMessage({ data: dataBuffer, central: centralBuffer }, [
        dataBuffer,
        centralBuffer,
      ]);
      garbage += names.length;
      if (garbage > GC_EVERY_FILES) {
        garbage = 0;
        gc();
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      parentPort?.postMessage({ error: { message: err.message, code: err.code } });
    }
  });
}

const WORKER_SOURCE = `(${workerMain.toString()})(${listTree.toString()}, ${writers.toString()}, ${makeDeflater.toString()})`;

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
