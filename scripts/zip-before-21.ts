// The zip writer as it was before issue #21 (in memory, synchronous), kept for `npm run bench`
// to compare with; nothing else uses it.
// A deterministic zip of a directory: the same tree gives the same bytes, so the same code
// gives the same CodeSha256 and PublishVersion finds nothing new to release.
//
// Entries are the files only (no directory entries), sorted by their path's UTF-8 bytes, with
// a fixed DOS timestamp (1980-01-01 00:00), unix attributes that keep only the executable bit
// (0o100755 / 0o100644), no extra fields and no comments. Content is deflated at level 9 and
// stored instead when deflate does not make it smaller. No ZIP64: archives that would need it
// (over 4 GB, or 65535 entries or more) are refused.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const EOCD_SIZE = 22;

const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
/** General purpose flag bit 11: the name is UTF-8. */
const FLAG_UTF8 = 0x0800;
/** DOS time 00:00:00 and date 1980-01-01 ((1980 - 1980) << 9 | 1 << 5 | 1). */
const DOS_TIME = 0;
const DOS_DATE = 0x0021;
/** Version made by: high byte 3 = unix, low byte 20 = spec 2.0. */
const MADE_BY_UNIX = (3 << 8) | 20;
const MODE_EXECUTABLE = 0o100755;
const MODE_REGULAR = 0o100644;
const MAX_UINT32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;

interface FileEntry {
  /** The path inside the archive, with forward slashes. */
  name: string;
  nameBytes: Buffer;
  /** The file to read (a symlink's target when the path is a link). */
  source: string;
  executable: boolean;
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Lists the regular files under `root`, following symlinks that resolve inside it.
 * `ancestors` holds the real paths of the directories being walked, to refuse link loops.
 */
function collect(
  root: string,
  dir: string,
  prefix: string,
  ancestors: Set<string>,
  out: FileEntry[],
): void {
  for (const dirent of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, dirent.name);
    const name = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
    let real = full;
    if (dirent.isSymbolicLink()) {
      let target: string;
      try {
        target = fs.realpathSync(full);
      } catch (err) {
        throw new Error(
          `code-dir: symbolic link ${name} is broken (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        );
      }
      if (!isInside(root, target)) {
        throw new Error(
          `code-dir: symbolic link ${name} points outside the directory (to ${target}); only links to files inside it are followed`,
        );
      }
      real = target;
    }
    const stat = fs.statSync(real);
    if (stat.isDirectory()) {
      const realPath = fs.realpathSync(real);
      if (ancestors.has(realPath)) {
        throw new Error(
          `code-dir: symbolic link ${name} makes a loop (it leads back to one of its parents)`,
        );
      }
      ancestors.add(realPath);
      collect(root, full, name, ancestors, out);
      ancestors.delete(realPath);
    } else if (stat.isFile()) {
      out.push({
        name,
        nameBytes: Buffer.from(name, 'utf8'),
        source: real,
        executable: (stat.mode & 0o111) !== 0,
      });
    } else {
      throw new Error(`code-dir: ${name} is not a regular file, a directory or a link to one`);
    }
  }
}

function tooLarge(what: string): Error {
  return new Error(
    `code-dir: ${what}: the zip would need ZIP64 (over 4 GB or 65535 files), which is not supported`,
  );
}

/** One entry compressed: the fields its local and central headers share. */
interface Packed {
  entry: FileEntry;
  body: Buffer;
  crc: number;
  size: number;
  method: number;
  versionNeeded: number;
  flags: number;
}

function pack(entry: FileEntry): Packed {
  const size = fs.statSync(entry.source).size;
  if (size > MAX_UINT32) throw tooLarge(`${entry.name} is ${size} bytes`);
  const data = fs.readFileSync(entry.source);
  if (data.length > MAX_UINT32) throw tooLarge(`${entry.name} is ${data.length} bytes`);
  const deflated = zlib.deflateRawSync(data, { level: 9 });
  const stored = deflated.length >= data.length;
  return {
    entry,
    body: stored ? data : deflated,
    crc: zlib.crc32(data) >>> 0,
    size: data.length,
    method: stored ? METHOD_STORE : METHOD_DEFLATE,
    versionNeeded: stored ? 10 : 20,
    flags: /[^\x20-\x7e]/.test(entry.name) ? FLAG_UTF8 : 0,
  };
}

/** The run both headers share, from "version needed" to "extra field length", at `at`. */
function writeShared(b: Buffer, at: number, p: Packed): void {
  b.writeUInt16LE(p.versionNeeded, at);
  b.writeUInt16LE(p.flags, at + 2);
  b.writeUInt16LE(p.method, at + 4);
  b.writeUInt16LE(DOS_TIME, at + 6);
  b.writeUInt16LE(DOS_DATE, at + 8);
  b.writeUInt32LE(p.crc, at + 10);
  b.writeUInt32LE(p.body.length, at + 14);
  b.writeUInt32LE(p.size, at + 18);
  b.writeUInt16LE(p.entry.nameBytes.length, at + 22);
  b.writeUInt16LE(0, at + 24); // extra field length
}

function localHeader(p: Packed): Buffer {
  const local = Buffer.alloc(LOCAL_HEADER_SIZE);
  local.writeUInt32LE(LOCAL_HEADER, 0);
  writeShared(local, 4, p);
  return local;
}

function centralHeader(p: Packed, offset: number): Buffer {
  const header = Buffer.alloc(CENTRAL_HEADER_SIZE);
  header.writeUInt32LE(CENTRAL_HEADER, 0);
  header.writeUInt16LE(MADE_BY_UNIX, 4);
  writeShared(header, 6, p);
  header.writeUInt16LE(0, 32); // comment length
  header.writeUInt16LE(0, 34); // disk number start
  header.writeUInt16LE(0, 36); // internal attributes
  const mode = p.entry.executable ? MODE_EXECUTABLE : MODE_REGULAR;
  header.writeUInt32LE((mode << 16) >>> 0, 38);
  header.writeUInt32LE(offset, 42);
  return header;
}

function endOfCentralDirectory(count: number, centralSize: number, offset: number): Buffer {
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

/** Zips the files under `dir` deterministically. Throws when there is nothing to zip. */
export function zipDirectory(dir: string): Buffer {
  let root: string;
  try {
    root = fs.realpathSync(dir);
  } catch (err) {
    throw new Error(
      `code-dir: ${dir} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  if (!fs.statSync(root).isDirectory()) throw new Error(`code-dir: ${dir} is not a directory`);

  const entries: FileEntry[] = [];
  collect(root, root, '', new Set([root]), entries);
  if (entries.length === 0) throw new Error(`code-dir: ${dir} holds no files to zip`);
  if (entries.length > MAX_ENTRIES) throw tooLarge(`${entries.length} files`);
  entries.sort((a, b) => Buffer.compare(a.nameBytes, b.nameBytes));

  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const p = pack(entry);
    chunks.push(localHeader(p), entry.nameBytes, p.body);
    central.push(centralHeader(p, offset), entry.nameBytes);
    offset += LOCAL_HEADER_SIZE + entry.nameBytes.length + p.body.length;
    if (offset > MAX_UINT32) throw tooLarge('the files add up to more than 4 GB');
  }

  const centralSize = central.reduce((n, b) => n + b.length, 0);
  if (offset + centralSize + EOCD_SIZE > MAX_UINT32) throw tooLarge('the archive is over 4 GB');
  return Buffer.concat([
    ...chunks,
    ...central,
    endOfCentralDirectory(entries.length, centralSize, offset),
  ]);
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
