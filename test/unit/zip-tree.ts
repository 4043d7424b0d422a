// A fixed tree for the zip writer's pinned-bytes test: every kind of entry the writer treats
// differently (deflated, stored because deflate does not shrink it, empty, executable, UTF-8
// names, links, files large enough to be streamed), generated from a seeded generator so the
// same bytes are written on every machine.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach } from 'vitest';

/** Makes temporary directories, removed after each test; call it at a test file's top level. */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(d);
    return d;
  };
}

/** xorshift32: the same sequence everywhere. */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

const WORDS = ['const', 'return', 'function', 'export', 'import', 'await', 'value', 'node', '=>'];

function text(next: () => number, bytes: number): Buffer {
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const w = `${WORDS[next() % WORDS.length]}${next() % 3 === 0 ? '\n' : ' '}`;
    parts.push(w);
    n += w.length;
  }
  return Buffer.from(parts.join('').slice(0, bytes));
}

function noise(next: () => number, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i + 4 <= bytes; i += 4) b.writeUInt32LE(next(), i);
  return b;
}

/** Writes the tree under `root` (which must exist and be empty). */
export function writeFixedTree(root: string): void {
  const next = generator(0x5eed);
  const put = (rel: string, data: Buffer | string, mode = 0o644) => {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, data);
    fs.chmodSync(full, mode);
  };
  for (let i = 0; i < 120; i++) {
    const dir = `node_modules/pkg-${i % 17}/${i % 3 === 0 ? 'lib/' : ''}`;
    const size = [0, 1, 7, 100, 1000, 5000, 40_000, 70_000][i % 8]!;
    put(`${dir}file-${i}.js`, i % 5 === 4 ? noise(next, size) : text(next, size));
  }
  put('index.mjs', text(next, 3000));
  put('bin/run', '#!/bin/sh\necho run\n', 0o755);
  put('bin/tool', text(next, 20_000), 0o700);
  put('ünïcode/名前.txt', 'utf-8 name');
  put('Z-upper.txt', 'upper first');
  // Large enough to go through the writer's streaming path, one deflated and one stored.
  put('assets/big.txt', text(next, 4 * 1024 * 1024 + 123));
  put('assets/big.bin', noise(next, 4 * 1024 * 1024 + 5));
  fs.symlinkSync('index.mjs', path.join(root, 'link.mjs'));
  fs.symlinkSync('node_modules/pkg-1', path.join(root, 'linked-pkg'));
}
