// A file too large to read whole, zipped in its turn: read and deflated as a stream
// (zlib's asynchronous deflate runs in libuv's thread pool), straight into the archive.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import {
  DEFLATE_LEVEL,
  type EntryHeader,
  LOCAL_HEADER_SIZE,
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

/**
 * A large file in its turn: a placeholder header, the deflated stream, then the header written
 * over the placeholder once the sizes are known (stored instead when deflate did not shrink it).
 */
export async function writeStreamed(
  { sink, scratch }: { sink: FileSink; scratch: Scratch },
  root: string,
  entry: FileEntry,
  signal?: AbortSignal,
): Promise<EntryHeader> {
  const source = sourceOf(root, entry);
  const nameBytes = Buffer.from(entry.name);
  const at = sink.position;
  await sink.append(Buffer.alloc(LOCAL_HEADER_SIZE + nameBytes.length));
  const dataAt = sink.position;
  let crc = 0;
  let size = 0;
  await pipeline(
    createReadStream(source, { highWaterMark: STREAM_CHUNK }),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const c of chunks) {
        crc = zlib.crc32(c, crc);
        size += c.length;
        yield c;
      }
    },
    zlib.createDeflateRaw({ level: DEFLATE_LEVEL, chunkSize: STREAM_CHUNK }),
    async (deflated: AsyncIterable<Buffer>) => {
      for await (const c of deflated) await sink.append(c);
    },
    { signal },
  );
  let method = METHOD_DEFLATE;
  if (sink.position - dataAt >= size) {
    await sink.cutTo(dataAt);
    let again = 0;
    for await (const c of createReadStream(source, { signal, highWaterMark: STREAM_CHUNK })) {
      again = zlib.crc32(c, again);
      await sink.append(c as Buffer);
    }
    if (again !== crc || sink.position - dataAt !== size)
      throw new Error(`code-dir: ${entry.name} changed while it was being zipped`);
    method = METHOD_STORE;
  }
  if (size > MAX_UINT32) throw tooLarge(`${entry.name} is ${size} bytes`);
  const header: EntryHeader = {
    nameBytes,
    executable: entry.executable,
    crc: crc >>> 0,
    size,
    compressedSize: sink.position - dataAt,
    method,
  };
  await sink.writeAt(at, localHeader(scratch, header));
  return header;
}
