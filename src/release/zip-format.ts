// The bytes of a deterministic zip (see zip.ts): headers with a fixed DOS timestamp
// (1980-01-01 00:00), unix attributes that keep only the executable bit (0o100755 / 0o100644),
// no extra fields and no comments. No ZIP64: see docs/aws-semantics.md#zip-packages.

export const LOCAL_HEADER = 0x04034b50;
export const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;
/** The deflate level of every entry: changing it changes every package's CodeSha256. */
export const DEFLATE_LEVEL = 9;
/** The largest size or offset a zip without ZIP64 can record. */
export const MAX_UINT32 = 0xffffffff;
/** The most entries a zip without ZIP64 can count (a 16-bit field of the end record). */
export const MAX_ENTRIES = 0xffff;

/** One entry written: what its local and central headers say. */
export interface EntryHeader {
  nameBytes: Buffer;
  executable: boolean;
  crc: number;
  /** bytes of the entry's data as stored (deflated or not) */
  compressedSize: number;
  /** bytes of the file */
  size: number;
  method: number;
}

/**
 * One zip's headers are made in one buffer, each copied before the next is made (into the
 * file's buffer or the central directory): 65,535 files make no 131,070 small allocations.
 * One a zip, since zips sharing a limiter run at once.
 */
export class Scratch {
  private buf = Buffer.allocUnsafe(1024);

  take(bytes: number): Buffer {
    if (this.buf.length < bytes) this.buf = Buffer.allocUnsafe(bytes);
    return this.buf.subarray(0, bytes);
  }
}

/**
 * The writers of an entry's headers. They use nothing from outside themselves, because the zip
 * workers run them too (sent as source text: zip-workers.ts).
 */
export function headerWriters() {
  const LOCAL = 0x04034b50;
  const CENTRAL = 0x02014b50;
  const STORE = 0;
  /** General purpose flag bit 11: the name is UTF-8. */
  const FLAG_UTF8 = 0x0800;
  /** DOS time 00:00:00 and date 1980-01-01 ((1980 - 1980) << 9 | 1 << 5 | 1). */
  const DOS_TIME = 0;
  const DOS_DATE = 0x0021;
  /** Version made by: high byte 3 = unix, low byte 20 = spec 2.0. */
  const MADE_BY_UNIX = (3 << 8) | 20;
  const MODE_EXECUTABLE = 0o100755;
  const MODE_REGULAR = 0o100644;
  /** The run both headers share, from "version needed" to "extra field length", at `at`. */
  const writeShared = (b: Buffer, at: number, e: EntryHeader): void => {
    b.writeUInt16LE(e.method === STORE ? 10 : 20, at); // version needed
    // Any byte outside printable ASCII comes from a character outside it, and back.
    b.writeUInt16LE(e.nameBytes.some((c) => c < 0x20 || c > 0x7e) ? FLAG_UTF8 : 0, at + 2);
    b.writeUInt16LE(e.method, at + 4);
    b.writeUInt16LE(DOS_TIME, at + 6);
    b.writeUInt16LE(DOS_DATE, at + 8);
    b.writeUInt32LE(e.crc, at + 10);
    b.writeUInt32LE(e.compressedSize, at + 14);
    b.writeUInt32LE(e.size, at + 18);
    b.writeUInt16LE(e.nameBytes.length, at + 22);
    b.writeUInt16LE(0, at + 24); // extra field length
  };

  /** The local header followed by the name, in `scratch`. */
  const localHeader = (scratch: { take(bytes: number): Buffer }, e: EntryHeader): Buffer => {
    const local = scratch.take(30 + e.nameBytes.length);
    local.writeUInt32LE(LOCAL, 0);
    writeShared(local, 4, e);
    e.nameBytes.copy(local, 30);
    return local;
  };

  /** The central directory header followed by the name, in `scratch`; `offset`: the local header's. */
  const centralHeader = (
    scratch: { take(bytes: number): Buffer },
    e: EntryHeader,
    offset: number,
  ): Buffer => {
    const header = scratch.take(46 + e.nameBytes.length);
    header.writeUInt32LE(CENTRAL, 0);
    header.writeUInt16LE(MADE_BY_UNIX, 4);
    writeShared(header, 6, e);
    header.writeUInt16LE(0, 32); // comment length
    header.writeUInt16LE(0, 34); // disk number start
    header.writeUInt16LE(0, 36); // internal attributes
    const mode = e.executable ? MODE_EXECUTABLE : MODE_REGULAR;
    header.writeUInt32LE((mode << 16) >>> 0, 38);
    header.writeUInt32LE(offset, 42);
    e.nameBytes.copy(header, 46);
    return header;
  };

  return { localHeader, centralHeader };
}

export const { localHeader, centralHeader } = headerWriters();

export function endOfCentralDirectory(count: number, centralSize: number, offset: number): Buffer {
  const end = Buffer.alloc(EOCD_SIZE);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(0, 4); // this disk
  end.writeUInt16LE(0, 6); // disk with the central directory
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20); // comment length
  return end;
}

/**
 * True when `buf` looks like a zip archive: it starts with a local file header (or is an
 * empty archive) and has an end-of-central-directory record where one must be.
 */
export function isZip(buf: Uint8Array): boolean {
  if (buf.length < EOCD_SIZE) return false;
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const first = b.readUInt32LE(0);
  if (first !== LOCAL_HEADER && first !== END_OF_CENTRAL_DIRECTORY) return false;
  // The EOCD record is the last 22 bytes plus a comment of at most 65535 bytes.
  const lowest = Math.max(0, b.length - EOCD_SIZE - 0xffff);
  for (let i = b.length - EOCD_SIZE; i >= lowest; i--) {
    if (
      b.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY &&
      i + EOCD_SIZE + b.readUInt16LE(i + 20) === b.length
    ) {
      return true;
    }
  }
  return false;
}

/** Past a limit of a zip without ZIP64 (docs/aws-semantics.md#zip-packages). */
export function tooLarge(what: string): Error {
  return new Error(
    `code-dir: ${what}: a zip without ZIP64 holds at most 4 GiB (and Lambda takes at most 250 MB unzipped)`,
  );
}
