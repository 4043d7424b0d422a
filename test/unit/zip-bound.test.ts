// The zip writer under a bound: the limiter's rules, several zips sharing one limiter (a
// release of several functions), a cancel in the middle, and the entry-count limit.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipLimiter, zipDirectory, zipToFile } from '../../src/release/zip.ts';
import { WorkerPool } from '../../src/release/zip-workers.ts';
import { tempDirs } from './zip-tree.ts';

const tempDir = tempDirs('zip-bound-');

/** `count` files of a few hundred bytes each, in folders of 100. */
function manyFiles(root: string, count: number, text = 'x'): void {
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `f${i}.js`),
      `module.exports = ${i}; // ${text.repeat(i % 300)}\n`,
    );
  }
}

/**
 * `count` files in folders of 100, each folder's files hard links to its first: a zip lists a
 * link as the file it is, and a link is one cheap call where writing a file is three (65,536
 * written files take 13-20 s on this disk, linked ones under 1 s). One target per folder stays
 * far below the file system's link limit (65,000 links to one file on ext4).
 */
function manyLinkedFiles(root: string, count: number): void {
  let target = '';
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `d${Math.floor(i / 100)}`);
    const file = path.join(dir, `f${i}.js`);
    if (i % 100 === 0) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, `module.exports = ${i};\n`);
      target = file;
    } else fs.linkSync(target, file);
  }
}

/** Counts how many batches are in flight, and the most there ever were. */
class CountingLimiter extends ZipLimiter {
  now = 0;
  most = 0;
  override async acquire(cost: number, signal?: AbortSignal): Promise<() => void> {
    const release = await super.acquire(cost, signal);
    this.most = Math.max(this.most, ++this.now);
    return () => {
      this.now--;
      release();
    };
  }
}

describe('ZipLimiter', () => {
  it('admits up to twice its concurrency and within its bytes; a cost over the budget runs alone', async () => {
    const limiter = new ZipLimiter({ concurrency: 2, bytes: 100 });
    const order: string[] = [];
    const take = (name: string, cost: number) =>
      limiter.acquire(cost).then((release) => {
        order.push(name);
        return release;
      });
    const a = await take('a', 10);
    const b = await take('b', 10);
    const c = await take('c', 10);
    const d = await take('d', 10);
    const e = take('e', 10); // a fifth: waits for room
    const big = take('big', 1_000); // over the budget: waits until nothing else runs
    const after = take('after', 1); // first come, first served: not before big
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    a();
    const releaseE = await e;
    for (const r of [b, c, d, releaseE]) r();
    const releaseBig = await big;
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e', 'big']);
    releaseBig();
    (await after)();
    expect(order.at(-1)).toBe('after');
    await limiter.close();
  });

  it('a wait is abandoned when the signal fires', async () => {
    const limiter = new ZipLimiter({ concurrency: 1, bytes: 10 });
    const held = await limiter.acquire(10);
    const controller = new AbortController();
    const waiting = limiter.acquire(5, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    held();
    (await limiter.acquire(10))();
    await limiter.close();
  });
});

describe('zipping under a shared bound', () => {
  it('zips of several functions at once stay within one bound and give the bytes each gives alone', async () => {
    const dirs = [tempDir(), tempDir(), tempDir()];
    for (const [i, d] of dirs.entries()) manyFiles(d, 700, 'abc'.slice(i));
    const alone = await Promise.all(dirs.map((d) => zipDirectory(d)));
    const limiter = new CountingLimiter({ concurrency: 1, bytes: 4 * 1024 * 1024 });
    const together = await Promise.all(dirs.map((d) => zipDirectory(d, { limiter })));
    await limiter.close();
    expect(together.map((z, i) => z.equals(alone[i]!))).toEqual([true, true, true]);
    // Three zips of several batches each, never more than the bound's two batches in flight.
    expect(limiter.most).toBe(2);
  });

  it('a cancel ends the zip with an AbortError and leaves no archive behind', async () => {
    const dir = tempDir();
    manyFiles(dir, 3_000, 'cancel me ');
    const out = path.join(tempDir(), 'code.zip');
    const controller = new AbortController();
    // Cancelled once the zip has started writing.
    const { limiter, batches } = countingBatches((n) => n === 3 && controller.abort());
    await expect(zipToFile(dir, out, { limiter, signal: controller.signal })).rejects.toMatchObject(
      { name: 'AbortError' },
    );
    await limiter.close();
    expect(batches()).toBeLessThan(10);
    expect(fs.existsSync(out)).toBe(false);
  });
  it('a cancel while the tree is being listed ends the zip before any batch, and the workers still serve the next zip', async () => {
    const dir = tempDir();
    manyFiles(dir, 3_000, 'listed ');
    const out = path.join(tempDir(), 'code.zip');
    const controller = new AbortController();
    const { limiter, batches } = countingBatches();
    const zipping = zipToFile(dir, out, { limiter, signal: controller.signal });
    // The listing is on the worker: the cancel is heard before it answers.
    controller.abort();
    await expect(zipping).rejects.toMatchObject({ name: 'AbortError' });
    expect(batches()).toBe(0);
    expect(fs.existsSync(out)).toBe(false);
    const again = await zipToFile(dir, out, { limiter });
    await limiter.close();
    expect(again.files).toBe(3_000);
  });
});

describe('a large file on a worker', () => {
  it('stops at its next chunk once its zip is cancelled, and the worker serves the next task', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'big.js');
    fs.writeFileSync(source, 'export const x = 1;\n'.repeat(200_000));
    const pool = new WorkerPool(1);
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const spill = path.join(dir, 'spill');
    const whole = await pool.spill({ source, spill, level: 9, cancel });
    expect(whole.size).toBe(4_000_000);
    expect(fs.statSync(spill).size).toBe(whole.deflatedSize);
    Atomics.store(cancel, 0, 1);
    await expect(pool.spill({ source, spill, level: 9, cancel })).rejects.toThrow(/cancelled/);
    // Nothing was deflated after the cancel.
    expect(fs.statSync(spill).size).toBe(0);
    const again = await pool.spill({
      source,
      spill,
      level: 9,
      cancel: new Int32Array(new SharedArrayBuffer(4)),
    });
    await pool.close();
    expect(again).toEqual(whole);
  });
});

describe('the order of the work', () => {
  it('deflates the large files largest first, and the archive keeps its order and bytes', async () => {
    const dir = tempDir();
    manyFiles(dir, 300, 'small ');
    const sizes = { 'a.js': 1_200_000, 'b.js': 3_000_000, 'c.js': 2_000_000 };
    for (const [name, size] of Object.entries(sizes))
      fs.writeFileSync(path.join(dir, name), 'let x = 1;\n'.repeat(size / 11 + 1).slice(0, size));
    const limiter = new ZipLimiter({ concurrency: 1 });
    const started: string[] = [];
    const spill = limiter.workers.spill.bind(limiter.workers);
    limiter.workers.spill = (request) => {
      started.push(path.basename(request.source));
      return spill(request);
    };
    const zip = await zipDirectory(dir, { limiter });
    await limiter.close();
    expect(started).toEqual(['b.js', 'c.js', 'a.js']);
    const names = namesIn(zip);
    expect(names.slice(0, 3)).toEqual(['a.js', 'b.js', 'c.js']);
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(303);
  });
});

describe('entry count', () => {
  it('refuses more than 65,535 files, naming the real limit and what to do', async () => {
    const dir = tempDir();
    manyLinkedFiles(dir, 65_536);
    await expect(zipDirectory(dir)).rejects.toThrow(
      /holds 65,536 files, more than the 65,535 a zip can list without ZIP64.*at most 65,535 files/,
    );
  }, 120_000);
});

describe('the archive', () => {
  it.skipIf(!hasUnzip())('is read by unzip -t', async () => {
    const dir = tempDir();
    manyFiles(dir, 300, 'unzip ');
    const zip = path.join(tempDir(), 'code.zip');
    fs.writeFileSync(zip, await zipDirectory(dir));
    expect(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' })).toMatch(/No errors detected/);
  });
});

/** The names in a zip's central directory, in order. */
function namesIn(zip: Buffer): string[] {
  const end = zip.length - 22;
  const names: string[] = [];
  for (let at = zip.readUInt32LE(end + 16), i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const length = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + length));
    at += 46 + length;
  }
  return names;
}

function hasUnzip(): boolean {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A one-worker limiter that counts the batches admitted under it, calling `each` with the count. */
function countingBatches(each: (n: number) => void = () => {}) {
  const limiter = new ZipLimiter({ concurrency: 1 });
  const acquire = limiter.acquire.bind(limiter);
  let n = 0;
  limiter.acquire = (cost, signal) => {
    each(++n);
    return acquire(cost, signal);
  };
  return { limiter, batches: () => n };
}
