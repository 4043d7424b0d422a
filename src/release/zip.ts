// A deterministic zip of a directory: the same tree gives the same bytes, so the same code
// gives the same CodeSha256 and PublishVersion finds nothing new to release.
//
// Entries are the files only, sorted by their path's UTF-8 bytes (zip-list.ts), with the fixed
// headers of zip-format.ts. Content is deflated at level 9 and stored instead when deflate does
// not make it smaller. The bytes are those of the in-memory writer this one replaced
// (test/unit/zip.test.ts pins them): changing any of them moves every function's CodeSha256.
//
// Memory stays bounded whatever the tree: the archive streams to a file; small files are read
// and deflated in batches by worker threads (zip-workers.ts), a few batches at a time under a
// ZipLimiter that several zips may share, and written in order as each batch's turn comes;
// files over WHOLE_FILE_BYTES are deflated by the same workers, chunk by chunk, into files of
// their own, all queued before the first batch, largest first (see startSpills), and are
// copied into the archive in their turn. The main thread only writes.
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { abortError } from './abort.ts';
import {
  CENTRAL_HEADER_SIZE,
  centralHeader,
  DEFLATE_LEVEL,
  EOCD_SIZE,
  endOfCentralDirectory,
  MAX_ENTRIES,
  MAX_UINT32,
  Scratch,
  tooLarge,
} from './zip-format.ts';
import { ZipLimiter } from './zip-limiter.ts';
import { type FileEntry, isSmallTree, listFiles, sourceOf, type Tree } from './zip-list.ts';
import { type Batch, JobQueue } from './zip-queue.ts';
import { FileSink } from './zip-sink.ts';
import { copyBuffer, copyInto, type Spilled, writeSpilled } from './zip-stream.ts';
import { InlinePool, type Packed, type ZipPool } from './zip-workers.ts';

export { isZip } from './zip-format.ts';
export { type ZipBound, ZipLimiter } from './zip-limiter.ts';

/**
 * Files up to this size are read whole and deflated in one call; larger ones are streamed
 * through the worker's fixed buffers. Whole files and batches are allocated in the workers'
 * malloc arenas, which keep their high-water mark: measured on a code-dir of real packages,
 * 62-64 MiB above idle with 256 KiB here and in BATCH_BYTES, 68-75 MiB with 1 MiB and 512 KiB,
 * for the same CPU.
 */
const WHOLE_FILE_BYTES = 256 * 1024;
/** A batch ends at this many bytes of input or this many files, whichever comes first. */
const BATCH_BYTES = 256 * 1024;
const BATCH_FILES = 128;
/** What a batch holds besides its input and output: its names, headers and messages, with room to spare. */
const BATCH_OVERHEAD = 512 * 1024;
/** What a streamed entry holds: the worker's buffers are its own, the spill is on disk. */
const STREAM_COST = 256 * 1024;

export interface ZipOptions {
  /** The bound to zip under; pass one limiter to every zip of a release to bound them together. */
  limiter?: ZipLimiter;
  /** Abandons the zip (the promise rejects with an AbortError) when it fires. */
  signal?: AbortSignal;
}

export interface ZipSummary {
  files: number;
  /** bytes of the archive */
  bytes: number;
}

/**
 * Where one zip is written: the file; the central directory, gathered in a file of its own
 * (65,535 entries make some 4 MiB of it) and copied after the entries; headers.
 */
interface Out {
  sink: FileSink;
  central: FileSink;
  scratch: Scratch;
  /** what spill files are copied through */
  copy: Buffer;
}

/** docs/aws-semantics.md#zip-packages: no ZIP64, so at most 65,535 entries. */
function tooManyFiles(dir: string, count: number): Error {
  return new Error(
    `code-dir: ${dir} holds ${count.toLocaleString('en-US')} files, more than the ${MAX_ENTRIES.toLocaleString('en-US')} a zip can list without ZIP64, which Lambda does not document accepting. Bundle the code (for example with esbuild), or move dependencies into a layer or a container image (\`image-uri\`), so that the package holds at most ${MAX_ENTRIES.toLocaleString('en-US')} files.`,
  );
}

/** The entries in order, cut into batches. */
function* batches(entries: Iterable<FileEntry>): Generator<Batch> {
  let open: Batch | undefined;
  for (const entry of entries) {
    if (entry.size > WHOLE_FILE_BYTES) {
      if (open) yield open;
      open = undefined;
      yield { entries: [entry], bytes: entry.size, streamed: true };
      continue;
    }
    open ??= { entries: [], bytes: 0, streamed: false };
    open.entries.push(entry);
    open.bytes += entry.size;
    if (open.bytes >= BATCH_BYTES || open.entries.length >= BATCH_FILES) {
      yield open;
      open = undefined;
    }
  }
  if (open) yield open;
}

const costOf = (b: Batch) => (b.streamed ? STREAM_COST : 2 * b.bytes + BATCH_OVERHEAD);

/** A worker's failure to read a file, said the way the listing says it. */
function unreadable(root: string, batch: Batch, error: unknown): Error {
  const e = error as NodeJS.ErrnoException;
  if (!e.code) return e;
  const name = batch.entries.find((x) => e.message.includes(sourceOf(root, x)))?.name;
  return new Error(`code-dir: ${name ?? 'a file'} cannot be read (${e.code})`);
}

/**
 * Writes a packed batch, and adds its central headers to `central`, their offsets moved from
 * the batch's start to the archive's.
 */
async function writePacked(out: Out, { data, central: cd }: Packed): Promise<void> {
  const base = out.sink.position;
  if (base + data.length > MAX_UINT32) throw tooLarge('the files add up to more than 4 GiB');
  for (let at = 0; at < cd.length; at += CENTRAL_HEADER_SIZE + cd.readUInt16LE(at + 28))
    cd.writeUInt32LE(cd.readUInt32LE(at + 42) + base, at + 42);
  await out.sink.append(data);
  await out.central.append(cd);
  release(data.buffer);
  release(cd.buffer);
}

/**
 * Frees a batch's buffer now rather than at the next collection: it was allocated by the
 * worker, in that thread's malloc arena, and each one left there for the collector made the
 * arenas, and so the step, larger for good (measured: ~13 MiB for a code-dir of real packages).
 */
function release(buffer: ArrayBufferLike): void {
  // ArrayBuffer.prototype.transfer: Node 22 and later.
  if (buffer instanceof ArrayBuffer && 'transfer' in buffer && !buffer.detached) buffer.transfer(0);
}

/** Where a zip's large files are deflated ahead of their turn; all settled before it is removed. */
interface Spills {
  dir: string;
  /** by entry name */
  started: Map<string, Promise<Spilled>>;
  /** set to 1 on a cancel: the workers stop deflating this zip's large files */
  cancel: Int32Array<SharedArrayBuffer>;
}

/**
 * Starts deflating the large files into spill files before any batch, largest first. The
 * largest file's deflate is the longest piece of work: started in its turn, near the end for
 * a name late in the order, it would run alone while the other cores idle. Spills hold no
 * memory (they are on disk); their room in the limiter is taken in their turn.
 */
function startSpills(tree: Tree, workers: ZipPool, spills: Spills): void {
  const large: FileEntry[] = [];
  for (const e of tree.entries()) if (e.size > WHOLE_FILE_BYTES) large.push(e);
  for (const entry of large.sort((a, b) => b.size - a.size)) {
    const spill = `${spills.dir}/${spills.started.size}`;
    const spilled = workers
      .spill({
        source: sourceOf(tree.root, entry),
        spill,
        level: DEFLATE_LEVEL,
        cancel: spills.cancel,
      })
      .then((d) => ({ ...d, spill }));
    // The writer sees a failure when the file's turn comes; until then it is not unhandled.
    spilled.catch(() => {});
    spills.started.set(entry.name, spilled);
  }
}

/** How one zip is made: the bound it is under, where its work is done, its spills. */
interface Admission {
  limiter: ZipLimiter;
  pool: ZipPool;
  spills: Spills;
  signal?: AbortSignal;
}

/** Starts each batch's work as soon as the limiter has room for it, ahead of the writer. */
async function admit(
  tree: Tree,
  queue: JobQueue,
  { limiter, pool, spills, signal }: Admission,
): Promise<void> {
  try {
    startSpills(tree, pool, spills);
    for (const batch of batches(tree.entries())) {
      const release = await limiter.acquire(costOf(batch), signal);
      if (queue.stopped) return release();
      const packed = batch.streamed
        ? undefined
        : pool.pack({
            paths: batch.entries.map((e) => sourceOf(tree.root, e)),
            names: batch.entries.map((e) => e.name),
            sizes: batch.entries.map((e) => e.size),
            executable: batch.entries.map((e) => (e.executable ? 1 : 0)),
            level: DEFLATE_LEVEL,
          });
      const spilled = batch.streamed ? spills.started.get(batch.entries[0]!.name) : undefined;
      // The writer sees a failure when the batch's turn comes; until then it is not unhandled.
      packed?.catch(() => {});
      queue.put({ batch, packed, spilled, release });
      if (queue.stopped) queue.abandon();
    }
    queue.end();
  } catch (error) {
    queue.end(error);
  }
}

async function writeEntries(tree: Tree, out: Out, admission: Admission): Promise<void> {
  const { sink, central, scratch } = out;
  const { signal } = admission;
  const queue = new JobQueue();
  const admitting = admit(tree, queue, admission);
  const failed = (batch: Batch) => (e: unknown) => {
    throw signal?.aborted ? abortError() : unreadable(tree.root, batch, e);
  };
  try {
    for (let job = await queue.take(); job; job = await queue.take()) {
      try {
        if (signal?.aborted) throw abortError();
        if (job.packed) {
          const packed = await job.packed.catch(failed(job.batch));
          if (signal?.aborted) throw abortError();
          await writePacked(out, packed);
        } else if (job.spilled) {
          const spilled = await job.spilled.catch(failed(job.batch));
          const offset = sink.position;
          const entry = job.batch.entries[0]!;
          const header = await writeSpilled(out, tree.root, entry, spilled, signal);
          await fs.rm(spilled.spill, { force: true });
          if (sink.position > MAX_UINT32) throw tooLarge('the files add up to more than 4 GiB');
          await central.append(centralHeader(scratch, header, offset));
        }
      } finally {
        job.release();
      }
    }
  } catch (error) {
    queue.abandon();
    throw error;
  } finally {
    await admitting;
  }
}

/**
 * Zips the files under `dir` into the file `out` (created or replaced). Without a limiter it
 * makes its own and closes it at the end.
 */
export async function zipToFile(
  dir: string,
  out: string,
  { limiter, signal }: ZipOptions = {},
): Promise<ZipSummary> {
  if (!limiter) {
    const own = new ZipLimiter();
    try {
      return await zipToFile(dir, out, { limiter: own, signal });
    } finally {
      await own.close();
    }
  }
  // A small tree is zipped on this thread: no worker thread to start (most bundled functions).
  const pool = (await isSmallTree(dir)) ? new InlinePool() : limiter.workers;
  const tree = await listFiles(dir, (d) => pool.list(d), signal);
  const { count } = tree;
  if (count === 0) throw new Error(`code-dir: ${dir} holds no files to zip`);
  if (count > MAX_ENTRIES) throw tooManyFiles(dir, count);
  const spills: Spills = {
    dir: await fs.mkdtemp(`${out}.parts-`),
    started: new Map(),
    cancel: new Int32Array(new SharedArrayBuffer(4)),
  };
  const cancel = () => Atomics.store(spills.cancel, 0, 1);
  signal?.addEventListener('abort', cancel, { once: true });
  const centralPath = `${spills.dir}/central`;
  let file: FileHandle | undefined;
  let centralFile: FileHandle | undefined;
  let done = false;
  try {
    file = await fs.open(out, 'w');
    centralFile = await fs.open(centralPath, 'w');
    const sink = new FileSink(file);
    const central = new FileSink(centralFile);
    const writing = { sink, central, scratch: new Scratch(), copy: copyBuffer() };
    await writeEntries(tree, writing, { limiter, pool, spills, signal });
    const offset = sink.position;
    if (offset + central.position + EOCD_SIZE > MAX_UINT32)
      throw tooLarge('the archive is over 4 GiB');
    await central.flush();
    await copyInto(sink, centralPath, writing.copy, signal);
    await sink.append(endOfCentralDirectory(count, central.position, offset));
    await sink.flush();
    done = true;
    return { files: count, bytes: sink.position };
  } finally {
    signal?.removeEventListener('abort', cancel);
    // Cut short: the large files still being deflated stop at their next chunk.
    if (!done) cancel();
    await file?.close();
    await centralFile?.close();
    await Promise.allSettled(spills.started.values());
    await fs.rm(spills.dir, { recursive: true, force: true });
    // A zip cut short is no archive: nothing is left that could be taken for one.
    if (!done) await fs.rm(out, { force: true });
  }
}

/**
 * Zips the files under `dir` through a temporary file and returns the archive (the upload
 * needs its bytes). Throws when there is nothing to zip or it cannot be zipped.
 */
export async function zipDirectory(dir: string, options: ZipOptions = {}): Promise<Buffer> {
  const tmp = await fs.mkdtemp(path.join(process.env.RUNNER_TEMP || tmpdir(), 'code-dir-'));
  try {
    const out = path.join(tmp, 'code.zip');
    await zipToFile(dir, out, options);
    return await fs.readFile(out);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
