// Readers for the shapes many inputs share: booleans, choices, numbers.
import { type Reader, show } from './problems.ts';

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** YAML 1.1-style booleans; undefined when the text is none of them. */
export function parseBoolean(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

/** A boolean input; `fallback` when empty or invalid (the latter reported). */
export function readBoolean(r: Reader, name: string, fallback: boolean): boolean {
  const raw = r.get(name);
  if (raw === '') return fallback;
  const b = parseBoolean(raw);
  if (b === undefined) {
    r.problem(
      name,
      `${show(raw)} is not a boolean. Valid: \`true\` or \`false\` (also yes/no, on/off, 1/0, any case); default \`${fallback}\`.`,
    );
    return fallback;
  }
  return b;
}

/** One of `options`, any case; `fallback` when empty or invalid (the latter reported). */
export function readChoice<T extends string>(
  r: Reader,
  name: string,
  options: readonly T[],
  fallback: T,
): T {
  const raw = r.get(name);
  if (raw === '') return fallback;
  const found = options.find((o) => o === raw.toLowerCase());
  if (found === undefined) {
    r.problem(
      name,
      `${show(raw)} is not a valid choice. Valid: ${options.map((o) => `\`${o}\``).join(' or ')}; default \`${fallback}\`.`,
    );
    return fallback;
  }
  return found;
}

const NUMBER = /^(\d+(\.\d*)?|\.\d+)$/;

/**
 * A plain decimal number that `fits`; undefined when empty or invalid (the latter reported
 * with `refusal(raw)`, which names what is wrong and the valid forms).
 */
export function readNumber(
  r: Reader,
  name: string,
  fits: (n: number) => boolean,
  refusal: (shown: string) => string,
): number | undefined {
  const raw = r.get(name);
  if (!raw) return undefined;
  const n = Number(raw);
  if (!NUMBER.test(raw) || !fits(n)) {
    r.problem(name, refusal(show(raw)));
    return undefined;
  }
  return n;
}
