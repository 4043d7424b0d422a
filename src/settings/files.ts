// The little the settings need to know about the disk, behind one interface: the shell passes
// the real one (nodeFiles), unit tests a fake.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FileStat {
  kind: 'file' | 'directory' | 'other';
  size: number;
}

export interface FileProbe {
  /** Where relative paths start when GITHUB_WORKSPACE is not set. */
  cwd(): string;
  /** What is at the path, links followed; undefined when nothing is. */
  stat(file: string): FileStat | undefined;
  /** The file's first bytes, at most `length` of them; throws when it cannot be read. */
  head(file: string, length: number): Uint8Array;
  /** True when the directory holds at least one file, through subdirectories and links. */
  hasAnyFile(dir: string): boolean;
}

export const nodeFiles: FileProbe = {
  cwd: () => process.cwd(),
  stat(file) {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return undefined;
    }
    return { kind: st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other', size: st.size };
  },
  head(file, length) {
    const head = Buffer.alloc(length);
    const fd = fs.openSync(file, 'r');
    try {
      return head.subarray(0, fs.readSync(fd, head, 0, length, 0));
    } finally {
      fs.closeSync(fd);
    }
  },
  hasAnyFile: (dir) => hasAnyFile(dir, new Set()),
};

function hasAnyFile(dir: string, seen: Set<string>): boolean {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return false;
  }
  if (seen.has(real)) return false;
  seen.add(real);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  const subdirs: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isFile()) return true;
    if (e.isDirectory()) subdirs.push(full);
    else if (e.isSymbolicLink()) {
      const kind = nodeFiles.stat(full)?.kind; // a dangling link is no file
      if (kind === 'file') return true;
      if (kind === 'directory') subdirs.push(full);
    }
  }
  return subdirs.some((d) => hasAnyFile(d, seen));
}
