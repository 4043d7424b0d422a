// Metric math for the emulator: numbers, query ids, + - * / and parentheses. Series combine
// on the timestamps they share; a timestamp missing from one input, or a division by zero,
// gives no datapoint. Functions (IF, FILL, METRICS(), ...) are refused: not modelled.
import { validationError } from './errors.ts';

/** Timestamp (epoch ms) → value. */
export type Series = Map<number, number>;
type Value = number | Series;

type Token =
  | { kind: 'num'; value: number }
  | { kind: 'id'; value: string }
  | { kind: 'op'; value: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/()]))/y;
  let at = 0;
  while (at < expr.length) {
    if (/^\s*$/.test(expr.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(expr);
    if (!m) throw validationError(`Unsupported character in expression at ${at}: ${expr}`);
    at = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: 'id', value: m[2] });
    else tokens.push({ kind: 'op', value: m[3] ?? '' });
  }
  return tokens;
}

function apply(op: string, a: number, b: number): number | undefined {
  if (op === '+') return a + b;
  if (op === '-') return a - b;
  if (op === '*') return a * b;
  return b === 0 ? undefined : a / b;
}

function combine(op: string, left: Value, right: Value): Value {
  if (typeof left === 'number' && typeof right === 'number')
    return apply(op, left, right) ?? Number.NaN;
  const out: Series = new Map();
  const stamps = typeof left === 'number' ? [...(right as Series).keys()] : [...left.keys()];
  for (const t of stamps) {
    const a = typeof left === 'number' ? left : left.get(t);
    const b = typeof right === 'number' ? right : right.get(t);
    if (a === undefined || b === undefined) continue;
    const v = apply(op, a, b);
    if (v !== undefined && Number.isFinite(v)) out.set(t, v);
  }
  return out;
}

/** Evaluates `expr`; `lookup` gives the series of another query by id (undefined: unknown). */
export function evaluate(expr: string, lookup: (id: string) => Series | undefined): Value {
  const tokens = tokenize(expr);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (): never => {
    throw validationError(`Error in expression: ${expr}`);
  };
  const primary = (): Value => {
    const t = tokens[i++] ?? fail();
    if (t.kind === 'num') return t.value;
    if (t.kind === 'id') {
      if (peek()?.value === '(')
        throw validationError(`Unsupported function ${t.value} in expression: ${expr}`);
      return lookup(t.value) ?? fail();
    }
    if (t.value === '-') return combine('*', -1, primary());
    if (t.value !== '(') return fail();
    const v = sum();
    if (tokens[i++]?.value !== ')') fail();
    return v;
  };
  const product = (): Value => {
    let v = primary();
    while (peek()?.value === '*' || peek()?.value === '/')
      v = combine(String(tokens[i++]?.value), v, primary());
    return v;
  };
  const sum = (): Value => {
    let v = product();
    while (peek()?.value === '+' || peek()?.value === '-')
      v = combine(String(tokens[i++]?.value), v, product());
    return v;
  };
  const v = sum();
  if (i !== tokens.length) fail();
  return v;
}

/** The ids an expression refers to, in order of appearance. */
export function references(expr: string): string[] {
  return tokenize(expr)
    .filter((t) => t.kind === 'id')
    .map((t) => String(t.value));
}
