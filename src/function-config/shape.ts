// A small structural checker for `function-configuration`: types, enums, lengths and the
// shared domain checks. Messages name the field path and never echo a value (the environment
// may be in there).
import { quote } from './checks.ts';
import { isPlainMap } from './yaml.ts';

export type Shape =
  | {
      t: 'string';
      max?: number;
      pattern?: RegExp;
      forms?: string;
      check?: (v: string) => string | undefined;
    }
  | { t: 'int'; min: number; max: number; check?: (v: number) => string | undefined }
  | { t: 'number'; min?: number; max?: number }
  | { t: 'bool' }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'list'; of: Shape; max: number; check?: (v: string[]) => string | undefined }
  | { t: 'object'; fields: Readonly<Record<string, Shape>>; required?: readonly string[] }
  | { t: 'strings'; check?: (v: Record<string, string>) => string | undefined };

const names = (keys: Iterable<string>) => [...keys].map((k) => `\`${k}\``).join(', ');

function checkObject(
  shape: Extract<Shape, { t: 'object' }>,
  value: unknown,
  path: string,
): string | undefined {
  if (!isPlainMap(value))
    return `${quote(path)} is not a map. Valid fields: ${names(Object.keys(shape.fields))}.`;
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(shape.fields, key)) {
      return `${quote(path)} has an unknown field ${quote(key)}. Valid fields: ${names(Object.keys(shape.fields))} (as the Lambda API spells them).`;
    }
  }
  for (const key of shape.required ?? []) {
    if (value[key] === undefined) return `${quote(path)} lacks the required field \`${key}\`.`;
  }
  for (const [key, sub] of Object.entries(shape.fields)) {
    if (value[key] === undefined) continue;
    const error = checkShape(sub, value[key], `${path}.${key}`);
    if (error) return error;
  }
  return undefined;
}

/** The first thing wrong with `value` at `path`, or undefined. */
export function checkShape(shape: Shape, value: unknown, path: string): string | undefined {
  // The path is made of known field names only (unknown ones are refused above): never cut.
  const at = `\`${path}\``;
  switch (shape.t) {
    case 'string':
      if (typeof value !== 'string') return `${at} is not a string.`;
      if (shape.max !== undefined && value.length > shape.max)
        return `${at} is over ${shape.max} characters.`;
      if (shape.pattern && !shape.pattern.test(value))
        return `${at} is not in the form Lambda accepts. ${shape.forms ?? ''}`.trim();
      return shape.check ? withPath(at, shape.check(value)) : undefined;
    case 'int':
      if (
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < shape.min ||
        value > shape.max
      ) {
        return `${at} is not a whole number from ${shape.min} to ${shape.max}. Valid: ${shape.min}–${shape.max}.`;
      }
      return shape.check ? withPath(at, shape.check(value)) : undefined;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${at} is not a number.`;
      if (
        (shape.min !== undefined && value < shape.min) ||
        (shape.max !== undefined && value > shape.max)
      )
        return `${at} is not a number from ${shape.min ?? '-∞'} to ${shape.max ?? '∞'}. Valid: ${shape.min ?? '-∞'}–${shape.max ?? '∞'}.`;
      return undefined;
    case 'bool':
      return typeof value === 'boolean' ? undefined : `${at} is not \`true\` or \`false\`.`;
    case 'enum':
      return typeof value === 'string' && shape.values.includes(value)
        ? undefined
        : `${at} is not one of ${names(shape.values)}.`;
    case 'list': {
      if (!Array.isArray(value)) return `${at} is not a list.`;
      if (shape.max !== undefined && value.length > shape.max)
        return `${at} has ${value.length} items, over Lambda's ${shape.max}.`;
      for (const [i, item] of value.entries()) {
        const error = checkShape(shape.of, item, `${path}[${i}]`);
        if (error) return error;
      }
      return shape.check ? withPath(at, shape.check(value as string[])) : undefined;
    }
    case 'object':
      return checkObject(shape, value, path);
    case 'strings': {
      if (!isPlainMap(value)) return `${at} is not a map of strings.`;
      const bad = Object.keys(value).filter((k) => typeof value[k] !== 'string');
      if (bad.length > 0)
        return `${at} gives ${names(bad)} a value that is not a string (quote it).`;
      return shape.check ? withPath(at, shape.check(value as Record<string, string>)) : undefined;
    }
  }
}

function withPath(at: string, error: string | undefined): string | undefined {
  return error === undefined ? undefined : `${at} ${error}`;
}
