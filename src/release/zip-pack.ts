// What a zip worker does with files (zip-workers.ts runs it): pack a batch of small files, each
// entry written in place into the batch's buffers, or deflate a large file in chunks into a
// file of its own. Every buffer it reads or deflates through is one of its own, reused.

import type { deflater } from './zip-deflate.ts';
import type { EntryHeader, headerWriters } from './zip-format.ts';

/** Pack these files into their part of the archive. */
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

/** Deflate the file `source` into the file `spill`. */
export interface SpillRequest {
  source: string;
  spill: string;
  level: number;
  /** Set to 1 (by the zip, on a cancel) to stop between chunks. */
  cancel: Int32Array<SharedArrayBuffer>;
}

/** A large file deflated into its spill file. */
export interface Spilled {
  crc: number;
  size: number;
  /** bytes of the spill file */
  deflatedSize: number;
}

/**
 * The packer of one worker. It uses nothing from outside itself (it is sent as source text:
 * zip-workers.ts); `headers` and `makeDeflater` are passed in the same way.
 */
export function packer(headers: typeof headerWriters, makeDeflater: typeof deflater) {
  const fs = process.getBuiltinModule('node:fs');
  const zlib = process.getBuiltinModule('node:zlib');
  /** A file is read, and a large one deflated, this much at a time. */
  const CHUNK = 256 * 1024;
  const { localHeader, centralHeader } = headers();
  let deflate: { level: number; use: ReturnType<typeof deflater> } | undefined;
  const deflaterAt = (level: number) => {
    if (deflate?.level !== level || deflate.use.broken())
      deflate = { level, use: makeDeflater(zlib, level) };
    return deflate.use;
  };
  // Files are read into this one buffer (grown as needed): one open, read and close a file.
  let input = Buffer.allocUnsafe(CHUNK);
  /** Reads into `input` from `at` until it is full or the file ends; returns the bytes read. */
  const fill = (fd: number, at: number) => {
    let n = at;
    for (let got = 1; got > 0 && n < input.length; n += got)
      got = fs.readSync(fd, input, n, input.length - n, null);
    return n - at;
  };
  const read = (p: string): Buffer => {
    const fd = fs.openSync(p, 'r');
    try {
      let n = fill(fd, 0);
      while (n === input.length) {
        const bigger = Buffer.allocUnsafe(2 * input.length);
        input.copy(bigger, 0, 0, n);
        input = bigger;
        n += fill(fd, n);
      }
      return input.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  };

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

  /** The batch's part of the archive, and of the central directory (offsets from its start). */
  const pack = (m: PackRequest): { data: ArrayBuffer; central: ArrayBuffer } => {
    const deflateInto = deflaterAt(m.level).into;
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
      const file = read(m.paths[i]!);
      const nameBytes = names[i]!;
      const offset = data.used;
      // The body goes after the header, whose sizes are known only once it is written.
      const bodyAt = offset + 30 + nameBytes.length;
      data.room(30 + nameBytes.length + file.length);
      // Deflate stops short when it does not shrink the file: the file is stored instead.
      const deflated = deflateInto(file, data.buf, bodyAt, file.length);
      const stored = deflated < 0;
      if (stored) file.copy(data.buf, bodyAt);
      const header: EntryHeader = {
        nameBytes,
        executable: m.executable[i] === 1,
        crc: zlib.crc32(file) >>> 0,
        size: file.length,
        compressedSize: stored ? file.length : deflated,
        method: stored ? 0 : 8, // METHOD_STORE, METHOD_DEFLATE
      };
      localHeader(data, header);
      data.skip(header.compressedSize);
      centralHeader(central, header, offset);
    }
    return { data: data.done(), central: central.done() };
  };

  const writeAll = (fd: number, bytes: Buffer) => {
    for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at, bytes.length - at);
  };

  /** Deflates a large file chunk by chunk into its spill file. */
  const spill = (m: SpillRequest): Spilled => {
    if (input.length > CHUNK) input = Buffer.allocUnsafe(CHUNK);
    const from = fs.openSync(m.source, 'r');
    let into: number | undefined;
    try {
      into = fs.openSync(m.spill, 'w');
      const to = into;
      let deflatedSize = 0;
      let crc = 0;
      let size = 0;
      let n = fill(from, 0);
      const write = deflaterAt(m.level).stream(n, (bytes) => {
        writeAll(to, bytes);
        deflatedSize += bytes.length;
      });
      for (; n > 0; n = fill(from, 0)) {
        if (Atomics.load(m.cancel, 0) !== 0) throw new Error('the zip was cancelled');
        const chunk = input.subarray(0, n);
        crc = zlib.crc32(chunk, crc);
        size += n;
        write(chunk, false);
      }
      write(input.subarray(0, 0), true);
      return { crc: crc >>> 0, size, deflatedSize };
    } finally {
      fs.closeSync(from);
      if (into !== undefined) fs.closeSync(into);
    }
  };

  return { pack, spill };
}
