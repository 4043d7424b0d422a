// The `environment` input: YAML or JSON map, or `KEY=value` lines, → the whole variable set.
// Values are secrets: no message here quotes one.
import { checkVariables } from './checks.ts';
import { isPlainMap, parseYaml } from './yaml.ts';

export const ENVIRONMENT_FORMS =
  'Valid: a YAML or JSON map (`KEY: value` lines, or `{"KEY": "value"}`), or `KEY=value` lines ' +
  '(`#` starts a comment line; the value is everything after the first `=`); `{}` removes every variable.';

export type EnvResult = { ok: true; vars: Record<string, string> } | { ok: false; error: string };

// A line that starts like `KEY=`: no `:` (YAML) or quote before the first `=`.
const ASSIGNMENT = /^\s*[^\s=:#"'{}[\],]+\s*=/;

function meaningfulLines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
}

/** `KEY=value` lines; surrounding spaces are dropped, quotes are kept as written. */
function parseAssignments(lines: readonly string[]): EnvResult {
  const vars: Record<string, string> = {};
  const twice = new Set<string>();
  for (const line of lines) {
    const eq = line.indexOf('=');
    const key = line.slice(0, eq).trim();
    if (Object.hasOwn(vars, key)) twice.add(key);
    vars[key] = line.slice(eq + 1).trim();
  }
  if (twice.size > 0) {
    return {
      ok: false,
      error: `sets ${[...twice].map((k) => `\`${k}\``).join(', ')} more than once. ${ENVIRONMENT_FORMS}`,
    };
  }
  return { ok: true, vars };
}

async function parseMap(text: string): Promise<EnvResult> {
  const parsed = await parseYaml(text, 'failsafe');
  if (!parsed.ok)
    return {
      ok: false,
      error: `is not valid YAML or JSON (${parsed.error}). ${ENVIRONMENT_FORMS}`,
    };
  if (!isPlainMap(parsed.value)) {
    return { ok: false, error: `is not a map of variables. ${ENVIRONMENT_FORMS}` };
  }
  const vars: Record<string, string> = {};
  const nested: string[] = [];
  for (const [key, value] of Object.entries(parsed.value)) {
    if (typeof value === 'string') vars[key] = value;
    else if (value === null || value === undefined) vars[key] = '';
    else nested.push(key);
  }
  if (nested.length > 0) {
    return {
      ok: false,
      error: `gives ${nested.map((k) => `\`${k}\``).join(', ')} a list or map; each value must be one string. ${ENVIRONMENT_FORMS}`,
    };
  }
  return { ok: true, vars };
}

/** Parses and checks the input (already known to be non-empty). */
export async function parseEnvironment(text: string): Promise<EnvResult> {
  const lines = meaningfulLines(text);
  const result =
    lines.length > 0 && lines.every((l) => ASSIGNMENT.test(l))
      ? parseAssignments(lines)
      : await parseMap(text);
  if (!result.ok) return result;
  const error = checkVariables(result.vars);
  return error ? { ok: false, error } : result;
}
