// The files a code-dir's zip holds: regular files only (no directory entries), following
// symlinks that resolve inside the directory, sorted by their path's UTF-8 bytes. Read with
// the event loop turning between slices of a directory, so a cancel is heard while a large
// tree is listed.
import { realpathSync, statSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { abortError } from './deps.ts';

/** One file (kept small: a tree may have 65,535 of them). */
export interface FileEntry {
  /** The path inside the archive, with forward slashes. */
  name: string;
  /** The file to read when the path is a link (its target); otherwise root/name. */
  target?: string;
  size: number;
  executable: boolean;
}

/** How many entries of one directory are looked at together. */
const STATS_AT_ONCE = 256;

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

/** Where a link leads, refused when it is broken or leaves the directory. */
function linkTarget(root: string, full: string, name: string): string {
  let target: string;
  try {
    target = realpathSync(full);
  } catch (err) {
    throw new Error(`code-dir: symbolic link ${name} is broken (${codeOf(err)})`);
  }
  if (!isInside(root, target))
    throw new Error(
      `code-dir: symbolic link ${name} points outside the directory (to ${target}); only links to files inside it are followed`,
    );
  return target;
}

interface Walk {
  root: string;
  out: FileEntry[];
  signal?: AbortSignal;
}

/** `ancestors` holds the real paths of the directories being walked, to refuse link loops. */
async function walk(w: Walk, dir: string, prefix: string, ancestors: Set<string>): Promise<void> {
  if (w.signal?.aborted) throw abortError();
  const dirents = await fs.readdir(dir, { withFileTypes: true });
  const subdirs: { full: string; name: string; real: string }[] = [];
  // Stat'ed a slice at a time on this thread (a promise a file costs more time and memory than
  // the stat), with a turn of the event loop between slices, so a cancel is still heard.
  for (let i = 0; i < dirents.length; i += STATS_AT_ONCE) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    if (w.signal?.aborted) throw abortError();
    for (const dirent of dirents.slice(i, i + STATS_AT_ONCE)) {
      const full = path.join(dir, dirent.name);
      const name = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
      const link = dirent.isSymbolicLink();
      const real = link ? linkTarget(w.root, full, name) : full;
      const stat = statSync(real);
      if (stat.isDirectory()) subdirs.push({ full, name, real });
      else if (stat.isFile())
        w.out.push({
          name,
          ...(link ? { target: real } : {}),
          size: stat.size,
          executable: (stat.mode & 0o111) !== 0,
        });
      else throw new Error(`code-dir: ${name} is not a regular file, a directory or a link to one`);
    }
  }
  for (const sub of subdirs) {
    const realPath = await fs.realpath(sub.real);
    if (ancestors.has(realPath))
      throw new Error(
        `code-dir: symbolic link ${sub.name} makes a loop (it leads back to one of its parents)`,
      );
    ancestors.add(realPath);
    await walk(w, sub.full, sub.name, ancestors);
    ancestors.delete(realPath);
  }
}

/**
 * UTF-8 byte order, which is code point order. UTF-16 units sort the same way except that
 * surrogates (U+D800–DFFF) must come after U+E000–FFFF: move each range past the other.
 */
export function byUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

function fixup(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/** The file an entry's bytes are read from. */
export function sourceOf(root: string, e: FileEntry): string {
  return e.target ?? `${root}/${e.name}`;
}

/**
 * The files under `dir`, in archive order, and the real path they are under. Throws when `dir`
 * is not a readable directory.
 */
export async function listFiles(
  dir: string,
  signal?: AbortSignal,
): Promise<{ root: string; entries: FileEntry[] }> {
  let root: string;
  try {
    root = await fs.realpath(dir);
  } catch (err) {
    throw new Error(`code-dir: ${dir} cannot be read (${codeOf(err)})`);
  }
  if (!(await fs.stat(root)).isDirectory()) throw new Error(`code-dir: ${dir} is not a directory`);
  const out: FileEntry[] = [];
  await walk({ root, out, signal }, root, '', new Set([root]));
  return { root, entries: out.sort((a, b) => byUtf8(a.name, b.name)) };
}
