// Shared by the Markdown tests: a GFM table row read as GitHub reads it.
import { expect } from 'vitest';

/** Splits a GFM table row on its unescaped pipes (a backslash escapes the next character). */
export function cells(row: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (c === '\\' && i + 1 < row.length) {
      cur += c + row[i + 1];
      i++;
    } else if (c === '|') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

/** Every table in the Markdown keeps the column count of its header row. */
export function expectTablesIntact(md: string): void {
  const lines = md.split('\n');
  let columns = 0;
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith('|')) {
      columns = 0;
      continue;
    }
    if (columns === 0) {
      columns = cells(line).length;
      expect(lines[i + 1]?.startsWith('|---')).toBe(true);
    } else {
      expect(cells(line), line).toHaveLength(columns);
    }
  }
}
