// A file too large to read whole: read and deflated as a stream (zlib's asynchronous deflate
// runs in libuv's thread pool) into a file of its own as soon as the limiter admits it, and
// copied into the archive in its turn.
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import {
  DEFLATE_LEVEL,
  type EntryHeader,
  localHeader,
  MAX_UINT32,
  METHOD_DEFLATE,
  METHOD_STORE,
  type Scratch,
  tooLarge,
} from './zip-format.ts';
import { type FileEntry, sourceOf } from './zip-list.ts';
import type { FileSink } from './zip-sink.ts';

/** Reads and deflate outputs this large, so each thread-pool trip does more. */
const STREAM_CHUNK = 256 * 1024;

/** A large file deflated ahead of its turn into a file of its own. */
export interface Spilled {
  /** the deflated bytes */
  spill: string;
  crc: number;
  size: number;
  /** bytes of `spill` */
  deflatedSize: number;
}

/**
 * Deflates a large file into `spill` (zlib's asynchronous deflate runs in libuv's thread pool),
 * as soon as the limiter admits it: several large files deflate at once, on every core, while
 * the writer is busy with the entries before them.
 */
export async function deflateToSpill(
  source: string,
  spill: string,
  signal?: AbortSignal,
): Promise<Spilled> {
  let crc = 0;
  let size = 0;
  const deflate = zlib.createDeflateRaw({ level: DEFLATE_LEVEL, chunkSize: STREAM_CHUNK });
  const written = createWriteStream(spill);
  await pipeline(
    createReadStream(source, { highWaterMark: STREAM_CHUNK }),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const c of chunks) {
        crc = zlib.crc32(c, crc);
        size += c.length;
        yield c;
      }
    },
    deflate,
    written,
    { signal },
  );
  return { spill, crc: crc >>> 0, size, deflatedSize: written.bytesWritten };
}

/**
 * A large file in its turn: its header, then the spilled deflated bytes, or the file itself
 * when deflate did not shrink it (read again, and refused if it changed meanwhile).
 */
export async function writeSpilled(
  { sink, scratch }: { sink: FileSink; scratch: Scratch },
  root: string,
  entry: FileEntry,
  d: Spilled,
  signal?: AbortSignal,
): Promise<EntryHeader> {
  if (d.size > MAX_UINT32) throw tooLarge(`${entry.name} is ${d.size} bytes`);
  const stored = d.deflatedSize >= d.size;
  const header: EntryHeader = {
    nameBytes: Buffer.from(entry.name),
    executable: entry.executable,
    crc: d.crc,
    size: d.size,
    compressedSize: stored ? d.size : d.deflatedSize,
    method: stored ? METHOD_STORE : METHOD_DEFLATE,
  };
  await sink.append(localHeader(scratch, header));
  const dataAt = sink.position;
  const from = stored ? sourceOf(root, entry) : d.spill;
  let crc = 0;
  for await (const c of createReadStream(from, { signal, highWaterMark: STREAM_CHUNK })) {
    if (stored) crc = zlib.crc32(c, crc);
    await sink.append(c as Buffer);
  }
  if (sink.position - dataAt !== header.compressedSize || (stored && crc >>> 0 !== d.crc))
    throw new Error(`code-dir: ${entry.name} changed while it was being zipped`);
  return header;
}
