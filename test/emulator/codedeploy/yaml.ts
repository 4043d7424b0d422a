// The YAML subset AppSpec files use (block maps, block lists, scalars, JSON-style flow
// values), so the emulator needs no YAML dependency of its own.

export function parseYamlOrJson(content: string): unknown {
  const trimmed = content.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return JSON.parse(trimmed);
  return parseYaml(content);
}

interface YamlLine {
  indent: number;
  text: string;
}

/** A small YAML reader for block maps, block lists, scalars and JSON-style flow values. */
export function parseYaml(src: string): unknown {
  const lines: YamlLine[] = [];
  for (const raw of src.replace(/\r\n?/g, '\n').split('\n')) {
    if (raw.includes('\t') && /^\s*\t/.test(raw))
      throw new Error('tabs are not allowed for indentation');
    const text = stripComment(raw).replace(/\s+$/, '');
    if (text.trim() === '' || text.trim() === '---') continue;
    lines.push({ indent: text.length - text.trimStart().length, text: text.trimStart() });
  }
  if (lines.length === 0) throw new Error('empty document');
  const pos = { i: 0 };
  const value = parseBlock(lines, pos, lines[0]?.indent ?? 0);
  if (pos.i !== lines.length) throw new Error(`unexpected content at line ${pos.i + 1}`);
  return value;
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      return line.slice(0, i);
    }
  }
  return line;
}

function parseBlock(lines: YamlLine[], pos: { i: number }, indent: number): unknown {
  const first = lines[pos.i];
  if (!first) throw new Error('unexpected end');
  if (first.text === '-' || first.text.startsWith('- ')) return parseList(lines, pos, indent);
  return parseMap(lines, pos, indent);
}

function parseList(lines: YamlLine[], pos: { i: number }, indent: number): unknown[] {
  const out: unknown[] = [];
  for (;;) {
    const line = lines[pos.i];
    if (!line || line.indent < indent) break;
    if (line.indent > indent) throw new Error(`bad indentation at line ${pos.i + 1}`);
    if (!(line.text === '-' || line.text.startsWith('- '))) break;
    const rest = line.text.slice(1).trimStart();
    if (rest === '') {
      pos.i++;
      const next = lines[pos.i];
      out.push(next && next.indent > indent ? parseBlock(lines, pos, next.indent) : null);
      continue;
    }
    const itemIndent = indent + (line.text.length - rest.length);
    if (isMapEntry(rest)) {
      // "- key: value" starts a map whose keys sit at itemIndent.
      lines[pos.i] = { indent: itemIndent, text: rest };
      out.push(parseMap(lines, pos, itemIndent));
    } else {
      out.push(parseScalar(rest));
      pos.i++;
    }
  }
  return out;
}

function isMapEntry(text: string): boolean {
  if (text.startsWith('{') || text.startsWith('[')) return false;
  const key = /^("[^"]*"|'[^']*'|[^:'"]+?)\s*:(\s|$)/.exec(text);
  return key !== null;
}

function parseMap(lines: YamlLine[], pos: { i: number }, indent: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (;;) {
    const line = lines[pos.i];
    if (!line || line.indent < indent) break;
    if (line.indent > indent) throw new Error(`bad indentation at line ${pos.i + 1}`);
    const m = /^("[^"]*"|'[^']*'|[^:'"]+?)\s*:(?:\s+(.*))?$/.exec(line.text);
    if (!m) {
      if (line.text.startsWith('- ')) break;
      throw new Error(`expected a key at line ${pos.i + 1}`);
    }
    const rawKey = m[1] ?? '';
    const key =
      rawKey.startsWith('"') || rawKey.startsWith("'") ? rawKey.slice(1, -1) : rawKey.trim();
    const rest = (m[2] ?? '').trim();
    pos.i++;
    if (rest !== '') {
      out[key] = parseScalar(rest);
      continue;
    }
    const next = lines[pos.i];
    if (
      next &&
      (next.indent > indent ||
        (next.indent === indent && (next.text === '-' || next.text.startsWith('- '))))
    ) {
      out[key] = parseBlock(lines, pos, next.indent);
    } else {
      out[key] = null;
    }
  }
  return out;
}

function parseScalar(text: string): unknown {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) return JSON.parse(t);
  if (t.startsWith('"')) {
    if (!t.endsWith('"') || t.length < 2) throw new Error('unterminated string');
    return JSON.parse(t);
  }
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new Error('unterminated string');
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (t === 'null' || t === '~') return null;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}
