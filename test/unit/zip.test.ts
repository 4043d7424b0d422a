import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { zipDirectory as zipBefore21 } from '../../scripts/zip-before-21.ts';
import { isZip, zipDirectory } from '../../src/release/zip.ts';
import { deflater } from '../../src/release/zip-deflate.ts';
import { isSmallTree } from '../../src/release/zip-list.ts';
import { tempDirs, writeFixedTree } from './zip-tree.ts';

interface Entry {
  name: string;
  versionMadeBy: number;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
  mode: number;
  extraLength: number;
  data: Buffer;
}

/** Reads an archive through its central directory, as unzip does, checking the local headers agree. */
function readZip(zip: Buffer): Entry[] {
  const eocd = zip.length - 22;
  expect(zip.readUInt32LE(eocd)).toBe(0x06054b50);
  expect(zip.readUInt16LE(eocd + 20)).toBe(0); // no comment
  const count = zip.readUInt16LE(eocd + 10);
  expect(zip.readUInt16LE(eocd + 8)).toBe(count);
  const cdSize = zip.readUInt32LE(eocd + 12);
  let p = zip.readUInt32LE(eocd + 16);
  expect(p + cdSize).toBe(eocd);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(p)).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const localOffset = zip.readUInt32LE(p + 42);
    const e = {
      versionMadeBy: zip.readUInt16LE(p + 4),
      flags: zip.readUInt16LE(p + 8),
      method: zip.readUInt16LE(p + 10),
      time: zip.readUInt16LE(p + 12),
      date: zip.readUInt16LE(p + 14),
      crc: zip.readUInt32LE(p + 16),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      mode: zip.readUInt32LE(p + 38) >>> 16,
      extraLength: extraLength + commentLength,
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
    };
    // The local header repeats what the central directory says.
    const l = localOffset;
    expect(zip.readUInt32LE(l)).toBe(0x04034b50);
    expect(zip.readUInt16LE(l + 6)).toBe(e.flags);
    expect(zip.readUInt16LE(l + 8)).toBe(e.method);
    expect(zip.readUInt16LE(l + 10)).toBe(e.time);
    expect(zip.readUInt16LE(l + 12)).toBe(e.date);
    expect(zip.readUInt32LE(l + 14)).toBe(e.crc);
    expect(zip.readUInt32LE(l + 18)).toBe(e.compressedSize);
    expect(zip.readUInt32LE(l + 22)).toBe(e.size);
    const localNameLength = zip.readUInt16LE(l + 26);
    const localExtra = zip.readUInt16LE(l + 28);
    expect(zip.toString('utf8', l + 30, l + 30 + localNameLength)).toBe(e.name);
    const start = l + 30 + localNameLength + localExtra;
    const raw = zip.subarray(start, start + e.compressedSize);
    const data = e.method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    expect(data.length).toBe(e.size);
    expect(zlib.crc32(data) >>> 0).toBe(e.crc);
    entries.push({ ...e, extraLength: e.extraLength + localExtra, data });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const tempDir = tempDirs('zip-test-');

const bigText = 'export const handler = async () => ({ statusCode: 200 });\n'.repeat(200);
const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));

/** Writes the tree in the given order of paths. */
function writeTree(root: string, files: Record<string, string | Buffer>, order?: string[]): void {
  for (const rel of order ?? Object.keys(files)) {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, files[rel] as string | Buffer);
  }
}

const tree: Record<string, string | Buffer> = {
  'index.mjs': bigText,
  'lib/util.js': 'module.exports = 1;\n',
  'lib/data.bin': random,
  'bin/run': '#!/bin/sh\necho hi\n',
  'B.txt': 'upper',
  'a.txt': 'lower',
  'empty.txt': '',
  'node_modules/x/package.json': '{"name":"x"}',
  'ünïcode/名前.txt': 'utf-8 name',
};

describe('zipDirectory', () => {
  it('writes the same bytes as the writer before #21 did for a fixed tree (a re-run stays `skipped`)', async () => {
    // The SHA-256 the in-memory writer of 4c8496c (scripts/zip-before-21.ts) gives this tree; the streaming writer
    // must not change a single byte, or every function's CodeSha256 moves on upgrade.
    const dir = tempDir();
    writeFixedTree(dir);
    const zip = await zipDirectory(dir);
    expect(zip.length).toBe(5_345_350);
    expect(createHash('sha256').update(zip).digest('hex')).toBe(
      '7dadf4deca88a9ad0d85f9a2e8efbf3e53ee404d17e774c10f096fbee107d7af',
    );
  }, 120_000);

  it('gives byte-identical output for the same tree, whatever the mtimes and creation order', async () => {
    const a = tempDir();
    const b = tempDir();
    writeTree(a, tree);
    writeTree(b, tree, Object.keys(tree).reverse());
    fs.chmodSync(path.join(a, 'bin/run'), 0o755);
    fs.chmodSync(path.join(b, 'bin/run'), 0o700); // any executable bit counts the same
    for (const rel of Object.keys(tree)) {
      fs.utimesSync(
        path.join(b, rel),
        new Date('2001-02-03T04:05:06Z'),
        new Date('2011-12-13T14:15:16Z'),
      );
    }
    const first = await zipDirectory(a);
    expect((await zipDirectory(a)).equals(first)).toBe(true);
    expect((await zipDirectory(b)).equals(first)).toBe(true);
  });

  it('is readable: every entry inflates to the file content with the right CRC', async () => {
    const dir = tempDir();
    writeTree(dir, tree);
    const entries = readZip(await zipDirectory(dir));
    expect(entries.map((e) => e.name).sort()).toEqual(Object.keys(tree).sort());
    for (const e of entries) {
      const expected = tree[e.name];
      expect(e.data.equals(Buffer.from(expected as string | Buffer)), e.name).toBe(true);
    }
  });

  it('is readable when the central directory spans many blocks (thousands of files)', async () => {
    const dir = tempDir();
    const many: Record<string, string> = {};
    // ~3,000 central headers of ~100 bytes: some 300 KB of central directory.
    for (let i = 0; i < 3000; i++)
      many[`node_modules/package-${i % 40}/lib/some-rather-long-module-name-${i}.js`] =
        `module.exports = ${i};\n`;
    writeTree(dir, many);
    const entries = readZip(await zipDirectory(dir));
    expect(entries).toHaveLength(3000);
    for (const e of entries) expect(e.data.toString(), e.name).toBe(many[e.name]);
  });

  it('sorts entries by path bytes, files only, with forward slashes', async () => {
    const dir = tempDir();
    writeTree(dir, tree);
    fs.mkdirSync(path.join(dir, 'empty-dir'));
    const names = readZip(await zipDirectory(dir)).map((e) => e.name);
    const byBytes = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(names).toEqual(byBytes);
    expect(names[0]).toBe('B.txt');
    expect(names).not.toContain('empty-dir/');
    expect(names.every((n) => !n.includes('\\') && !n.endsWith('/'))).toBe(true);
  });

  it("orders a directory by its whole paths: a folder's files sort as its name and a slash", async () => {
    const dir = tempDir();
    // '-' (0x2d) and '.' (0x2e) sort before '/' (0x2f), '0' after it; U+FFFD (EF BF BD in UTF-8)
    // before an astral character (F0 ..), although its UTF-16 unit is the larger.
    const names = [
      'a/b',
      'a-c',
      'a.d',
      'a0',
      'ab/c',
      'a/b.x/y',
      'a/b-x',
      '\u{1f600}',
      '\ufffd',
      'a/\ufffd/z',
    ];
    writeTree(dir, Object.fromEntries(names.map((n) => [n, n])));
    const zipped = readZip(await zipDirectory(dir)).map((e) => e.name);
    const byBytes = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(zipped).toEqual(byBytes);
    expect(zipped.slice(0, 6)).toEqual(['a-c', 'a.d', 'a/b', 'a/b-x', 'a/b.x/y', 'a/\ufffd/z']);
  });

  it('writes fixed timestamps, unix attributes, no extra fields', async () => {
    const dir = tempDir();
    writeTree(dir, tree);
    fs.chmodSync(path.join(dir, 'bin/run'), 0o755);
    fs.chmodSync(path.join(dir, 'a.txt'), 0o600);
    for (const e of readZip(await zipDirectory(dir))) {
      expect(e.time).toBe(0);
      expect(e.date).toBe((0 << 9) | (1 << 5) | 1); // 1980-01-01
      expect(e.versionMadeBy >> 8).toBe(3); // unix
      expect(e.extraLength).toBe(0);
      expect(e.mode & 0o170000).toBe(0o100000); // regular file
      expect(e.mode & 0o7777, e.name).toBe(e.name === 'bin/run' ? 0o755 : 0o644);
      expect(e.flags & 0x0800).toBe(/[^\x20-\x7e]/.test(e.name) ? 0x0800 : 0);
    }
  });

  it('deflates what shrinks and stores what does not', async () => {
    const dir = tempDir();
    writeTree(dir, tree);
    const byName = new Map(readZip(await zipDirectory(dir)).map((e) => [e.name, e]));
    expect(byName.get('index.mjs')?.method).toBe(8);
    expect(byName.get('index.mjs')!.compressedSize).toBeLessThan(bigText.length / 10);
    expect(byName.get('empty.txt')?.method).toBe(0);
    expect(byName.get('a.txt')?.method).toBe(0);
  });

  it('changes when content changes', async () => {
    const dir = tempDir();
    writeTree(dir, tree);
    const before = await zipDirectory(dir);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'lowes');
    expect((await zipDirectory(dir)).equals(before)).toBe(false);
  });

  it('follows symlinks that stay inside the directory', async () => {
    const dir = tempDir();
    writeTree(dir, { 'real/file.txt': 'inside', 'other.txt': 'x' });
    fs.symlinkSync('real/file.txt', path.join(dir, 'link.txt'));
    fs.symlinkSync('real', path.join(dir, 'linkdir'));
    const entries = readZip(await zipDirectory(dir));
    expect(entries.map((e) => e.name)).toEqual([
      'link.txt',
      'linkdir/file.txt',
      'other.txt',
      'real/file.txt',
    ]);
    expect(entries[0]?.data.toString()).toBe('inside');
  });

  it('refuses a symlink that points outside, naming it', async () => {
    const dir = tempDir();
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'secret'), 's');
    writeTree(dir, { 'a.txt': 'a' });
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.symlinkSync(path.join(outside, 'secret'), path.join(dir, 'sub', 'escape'));
    await expect(zipDirectory(dir)).rejects.toThrow(/sub\/escape.*outside/);
    fs.rmSync(path.join(dir, 'sub', 'escape'));
    fs.symlinkSync('../..', path.join(dir, 'sub', 'up'));
    await expect(zipDirectory(dir)).rejects.toThrow(/sub\/up.*outside/);
  });

  it('refuses broken links and link loops', async () => {
    const dir = tempDir();
    writeTree(dir, { 'sub/a.txt': 'a' });
    fs.symlinkSync('nowhere', path.join(dir, 'dangling'));
    await expect(zipDirectory(dir)).rejects.toThrow(/dangling.*broken/);
    fs.rmSync(path.join(dir, 'dangling'));
    fs.symlinkSync('..', path.join(dir, 'sub', 'loop'));
    await expect(zipDirectory(dir)).rejects.toThrow(/sub\/loop.*loop/);
  });

  it('refuses an empty directory and a missing one', async () => {
    const dir = tempDir();
    await expect(zipDirectory(dir)).rejects.toThrow(/no files/);
    fs.mkdirSync(path.join(dir, 'only-dirs', 'deeper'), { recursive: true });
    await expect(zipDirectory(dir)).rejects.toThrow(/no files/);
    await expect(zipDirectory(path.join(dir, 'missing'))).rejects.toThrow(/cannot be read/);
  });
});

describe('isZip', () => {
  it('recognises a zip and rejects other bytes', async () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': 'a' });
    const zip = await zipDirectory(dir);
    expect(isZip(zip)).toBe(true);
    expect(isZip(new Uint8Array(zip))).toBe(true);
    const empty = Buffer.alloc(22);
    empty.writeUInt32LE(0x06054b50, 0);
    expect(isZip(empty)).toBe(true);
    expect(isZip(Buffer.from('PK'))).toBe(false);
    expect(isZip(Buffer.from('not a zip at all, just some text here'))).toBe(false);
    expect(isZip(zip.subarray(0, zip.length - 5))).toBe(false);
    expect(isZip(Buffer.concat([Buffer.from('#!/bin/sh\n'), zip]))).toBe(false);
  });
});

describe('a small tree, zipped on the main thread', () => {
  /** A bundled function's code-dir: a few files, one of them large enough to be streamed. */
  function smallTree(dir: string): void {
    writeTree(dir, {
      'index.mjs': 'export const handler = async () => "small";\n'.repeat(40),
      'lib/util.js': 'module.exports = 1;\n',
      'lib/empty.txt': '',
      'bin/run': '#!/bin/sh\necho run\n',
      'assets/model.bin': Buffer.alloc(300 * 1024, 7),
    });
    fs.chmodSync(path.join(dir, 'bin/run'), 0o755);
  }

  it('is one: a few files, under 1 MiB, no link', async () => {
    const dir = tempDir();
    smallTree(dir);
    expect(await isSmallTree(dir)).toBe(true);
    fs.symlinkSync('index.mjs', path.join(dir, 'link.mjs'));
    expect(await isSmallTree(dir)).toBe(false);
    const many = tempDir();
    writeTree(many, Object.fromEntries([...Array(65)].map((_, i) => [`f${i}.js`, 'x'])));
    expect(await isSmallTree(many)).toBe(false);
    const big = tempDir();
    writeTree(big, { 'a.bin': Buffer.alloc(1024 * 1024 + 1) });
    expect(await isSmallTree(big)).toBe(false);
    expect(await isSmallTree(path.join(dir, 'missing'))).toBe(false);
  });

  it('gives the bytes the writer before #21 gave (the same bytes as the workers give)', async () => {
    const dir = tempDir();
    smallTree(dir);
    const zip = await zipDirectory(dir);
    expect(zip.equals(zipBefore21(dir))).toBe(true);
  });
});

describe('deflate without Node’s zlib internals', () => {
  it('falls back to the public API and gives the same bytes, whole and streamed', () => {
    // A Node whose zlib streams lack _handle and _writeState (the internals the workers drive).
    const bare = { ...zlib, createDeflateRaw: () => ({ on() {}, destroyed: false }) };
    const input = Buffer.from('export const handler = async () => "hello";\n'.repeat(200));
    const expected = zlib.deflateRawSync(input, { level: 9 });
    for (const d of [deflater(zlib, 9), deflater(bare as unknown as typeof zlib, 9)]) {
      const out = Buffer.alloc(input.length);
      const n = d.into(input, out, 0, out.length);
      expect(out.subarray(0, n).equals(expected)).toBe(true);
      const parts: Buffer[] = [];
      const next = d.stream(4096, (b) => parts.push(Buffer.from(b)));
      next(input.subarray(0, 4096), false);
      next(input.subarray(4096), true);
      expect(Buffer.concat(parts).equals(expected)).toBe(true);
    }
  });
});
