// Shared by the Markdown tests: a GFM table row read as GitHub reads it.

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
