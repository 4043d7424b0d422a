// A large file in the archive: deflated ahead of its turn by a zip worker into a spill file of
// its own (zip-pack.ts), then copied into the archive when its turn comes.
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { abortError } from './abort.ts';
import {
  type EntryHeader,
  localHeader,
  MAX_UINT32,
  METHOD_DEFLATE,
  METHOD_STORE,
  type Scratch,
  tooLarge,
} from './zip-format.ts';
import { type FileEntry, sourceOf } from './zip-list.ts';
import type { Spilled as Deflated } from './zip-pack.ts';
import type { FileSink } from './zip-sink.ts';

/** A large file deflated ahead of its turn into a file of its own. */
export interface Spilled extends Deflated {
  /** the deflated bytes */
  spill: string;
}

/** Files are copied into the archive through one buffer this large. */
const COPY_BYTES = 256 * 1024;

/**
 * Appends the file at `from` to `sink` through `buffer` (reused: no garbage a chunk); returns
 * the bytes copied and, with `crc`, their CRC-32.
 */
export async function copyInto(
  sink: FileSink,
  from: string,
  buffer: Buffer,
  signal?: AbortSignal,
): Promise<{ bytes: number; crc: number }> {
  let file: FileHandle | undefined;
  let bytes = 0;
  let crc = 0;
  try {
    file = await fs.open(from, 'r');
    for (;;) {
      if (signal?.aborted) throw abortError();
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return { bytes, crc: crc >>> 0 };
      const chunk = buffer.subarray(0, bytesRead);
      crc = zlib.crc32(chunk, crc);
      // append() has copied the chunk or written it before it returns: the buffer is free.
      await sink.append(chunk);
      bytes += bytesRead;
    }
  } finally {
    await file?.close();
  }
}

/** The buffer one zip copies its spill files through. */
export const copyBuffer = () => Buffer.allocUnsafe(COPY_BYTES);

/**
 * A large file in its turn: its header, then the spilled deflated bytes, or the file itself
 * when deflate did not shrink it (read again, and refused if it changed meanwhile).
 */
export async function writeSpilled(
  { sink, scratch, copy }: { sink: FileSink; scratch: Scratch; copy: Buffer },
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
  const copied = await copyInto(sink, stored ? sourceOf(root, entry) : d.spill, copy, signal);
  if (copied.bytes !== header.compressedSize || (stored && copied.crc !== d.crc))
    throw new Error(`code-dir: ${entry.name} changed while it was being zipped`);
  return header;
}
