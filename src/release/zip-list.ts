// The files a code-dir's zip holds: regular files only (no directory entries), following
// symlinks that resolve inside the directory, sorted by their path's UTF-8 bytes.
//
// Listed by one of the zip workers (zip-workers.ts), whose heap is small: a stat and a directory
// entry a file are garbage that V8 collects late, so a listing of 65,535 files on the main
// thread grew the step by some 47 MiB (issue #21). The worker sends back only the names, sizes
// and flags, and the main thread stays free to hear a cancel.
import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { abortError } from './abort.ts';

/** A tree within both is zipped on the main thread (zip.ts): a thread's start costs more. */
const SMALL_ENTRIES = 64;
const SMALL_BYTES = 1024 * 1024;

/**
 * Whether `dir` holds at most SMALL_ENTRIES entries and SMALL_BYTES of files, and no link: read
 * only until it is clearly larger, so a large tree costs a readdir or two. Whatever it cannot
 * tell (a link, an entry it cannot read) answers false, and the workers' listing decides.
 */
export async function isSmallTree(dir: string): Promise<boolean> {
  let entries = 0;
  let bytes = 0;
  const pending = [dir];
  try {
    for (let d = pending.pop(); d !== undefined; d = pending.pop()) {
      for (const e of await readdir(d, { withFileTypes: true })) {
        if (++entries > SMALL_ENTRIES) return false;
        const full = join(d, e.name);
        if (e.isDirectory()) {
          pending.push(full);
          continue;
        }
        if (!e.isFile()) return false;
        bytes += (await stat(full)).size;
        if (bytes > SMALL_BYTES) return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}

/** One file (kept small: a tree may have 65,535 of them). */
export interface FileEntry {
  /** The path inside the archive, with forward slashes. */
  name: string;
  /** The file to read when the path is a link (its target); otherwise root/name. */
  target?: string;
  size: number;
  executable: boolean;
}

/** What the listing worker sends back: one of each per file, in archive order. */
export interface Listing {
  root: string;
  /** the names in UTF-8, each followed by a NUL (no path holds one) */
  names: Uint8Array<ArrayBuffer>;
  sizes: Float64Array<ArrayBuffer>;
  executable: Uint8Array<ArrayBuffer>;
  /** [index, real path] of the files reached through a link */
  targets: [number, string][];
}

/**
 * Lists `dir` (synchronously: it runs on a zip worker). Part of the workers' source text (the
 * bundle has no separate worker file), so it uses nothing from outside itself.
 *
 * Each directory's entries are sorted and walked in turn, which gives the archive's order
 * without sorting every path at once, and each file goes straight into typed arrays: 65,535
 * paths held as strings and sorted made the worker's heap some 12 MiB larger.
 */
export function listTree(dir: string, collect: () => void = () => {}): Listing {
  const fs = process.getBuiltinModule('node:fs');
  const path = process.getBuiltinModule('node:path');
  const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);
  const isInside = (root: string, target: string) => {
    const rel = path.relative(root, target);
    return (
      rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel))
    );
  };
  /** Where a link leads, refused when it is broken or leaves the directory. */
  const linkTarget = (root: string, full: string, name: string) => {
    let target: string;
    try {
      target = fs.realpathSync(full);
    } catch (err) {
      throw new Error(`code-dir: symbolic link ${name} is broken (${codeOf(err)})`);
    }
    if (!isInside(root, target))
      throw new Error(
        `code-dir: symbolic link ${name} points outside the directory (to ${target}); only links to files inside it are followed`,
      );
    return target;
  };
  /**
   * UTF-8 byte order, which is code point order. UTF-16 units sort the same way except that
   * surrogates (U+D800–DFFF) must come after U+E000–FFFF: move each range past the other.
   */
  const fixup = (u: number) => (u < 0xd800 ? u : u < 0xe000 ? u + 0x2000 : u - 0x800);
  const byUtf8 = (a: string, b: string) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a.charCodeAt(i);
      const y = b.charCodeAt(i);
      if (x !== y) return fixup(x) - fixup(y);
    }
    return a.length - b.length;
  };

  let count = 0;
  let names = new Uint8Array(64 * 1024);
  let namesUsed = 0;
  let sizes = new Float64Array(1024);
  let executable = new Uint8Array(1024);
  const targets: [number, string][] = [];
  const encoder = new TextEncoder();
  const add = (name: string, size: number, exec: boolean, target: string | undefined) => {
    if (count === sizes.length) {
      const moreSizes = new Float64Array(2 * count);
      moreSizes.set(sizes);
      sizes = moreSizes;
      const moreExec = new Uint8Array(2 * count);
      moreExec.set(executable);
      executable = moreExec;
    }
    // A UTF-16 unit takes at most 3 bytes of UTF-8, and the NUL one.
    if (namesUsed + 3 * name.length + 1 > names.length) {
      const more = new Uint8Array(2 * (namesUsed + 3 * name.length + 1));
      more.set(names.subarray(0, namesUsed));
      names = more;
    }
    namesUsed += encoder.encodeInto(name, names.subarray(namesUsed)).written;
    names[namesUsed++] = 0;
    if (target !== undefined) targets.push([count, target]);
    sizes[count] = size;
    executable[count++] = exec ? 1 : 0;
  };

  let looked = 0;
  /** `ancestors` holds the real paths of the directories being walked, to refuse link loops. */
  const walk = (root: string, dir: string, prefix: string, ancestors: Set<string>) => {
    const children: { key: string; full: string; name: string; real: string; stat: Stats }[] = [];
    for (const dirent of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = `${dir}/${dirent.name}`;
      const name = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
      const link = dirent.isSymbolicLink();
      const real = link ? linkTarget(root, full, name) : full;
      const stat = fs.statSync(real);
      // The stats and directory entries are garbage V8 would let pile up: collect it now and then.
      if (++looked % 4096 === 0) collect();
      if (!stat.isDirectory() && !stat.isFile())
        throw new Error(`code-dir: ${name} is not a regular file, a directory or a link to one`);
      // A directory's files follow its name and a '/': sorted by that, each directory's entries
      // walked in turn come out in the order of their whole paths.
      const key = stat.isDirectory() ? `${dirent.name}/` : dirent.name;
      children.push({ key, full, name, real: link ? real : '', stat });
    }
    children.sort((a, b) => byUtf8(a.key, b.key));
    for (const c of children) {
      if (c.stat.isFile()) {
        add(c.name, c.stat.size, (c.stat.mode & 0o111) !== 0, c.real || undefined);
        continue;
      }
      const realPath = fs.realpathSync(c.real || c.full);
      if (ancestors.has(realPath))
        throw new Error(
          `code-dir: symbolic link ${c.name} makes a loop (it leads back to one of its parents)`,
        );
      ancestors.add(realPath);
      walk(root, c.full, c.name, ancestors);
      ancestors.delete(realPath);
    }
  };

  let root: string;
  try {
    root = fs.realpathSync(dir);
  } catch (err) {
    throw new Error(`code-dir: ${dir} cannot be read (${codeOf(err)})`);
  }
  if (!fs.statSync(root).isDirectory()) throw new Error(`code-dir: ${dir} is not a directory`);
  walk(root, root, '', new Set([root]));
  return {
    root,
    names: names.slice(0, namesUsed),
    sizes: sizes.slice(0, count),
    executable: executable.slice(0, count),
    targets,
  };
}

/** The file an entry's bytes are read from. */
export function sourceOf(root: string, e: FileEntry): string {
  return e.target ?? `${root}/${e.name}`;
}

/** The files of a tree, in archive order. */
export interface Tree {
  /** the real path of the directory */
  root: string;
  count: number;
  /**
   * Each file in turn, made as it is asked for: 65,535 entries kept as objects made the step
   * some 20 MiB larger (issue #21), the listing as it came from the worker holds the same.
   */
  entries(): Generator<FileEntry>;
}

function treeOf(l: Listing): Tree {
  const targets = new Map(l.targets);
  const count = l.sizes.length;
  const names = Buffer.from(l.names.buffer, l.names.byteOffset, l.names.byteLength);
  return {
    root: l.root,
    count,
    *entries() {
      for (let i = 0, from = 0; i < count; i++) {
        const end = names.indexOf(0, from);
        const name = names.toString('utf8', from, end);
        from = end + 1;
        const entry: FileEntry = { name, size: l.sizes[i]!, executable: l.executable[i] === 1 };
        const target = targets.get(i);
        if (target !== undefined) entry.target = target;
        yield entry;
      }
    },
  };
}

/**
 * The files under `dir`, in archive order, and the real path they are under, listed by `list`
 * (on a worker, or on this thread for a small tree). Throws when `dir` is not a readable directory.
 */
export async function listFiles(
  dir: string,
  list: (dir: string) => Promise<Listing>,
  signal?: AbortSignal,
): Promise<Tree> {
  if (signal?.aborted) throw abortError();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const listing = await Promise.race([list(dir), aborted]);
    return treeOf(listing);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
