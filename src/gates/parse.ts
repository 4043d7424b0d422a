// The `metric-gates` input: one gate a line, each the condition the NEW version must keep.
//
//   gate     := metric operator bound
//   metric   := error-rate | errors | throttles | avg-duration | pNN[.N]-duration
//   operator := <  <=  >  >=  =          (`=` only as `= 0`, for errors and throttles)
//   bound    := constant | previous | previous (+|-) constant | previous * factor
//   constant := number with the metric's unit: % for error-rate, ms or s for durations,
//               a whole number without unit for errors and throttles
//
// `previous` is the previous version's value on the same alias over the same minutes. Counts
// (errors, throttles) cannot be compared with it: each version's count follows its share of
// traffic, not its health. Blank lines and lines starting with `#` are skipped.
import type { ParseResult } from '../strategy.ts';

export type GateOperator = '<' | '<=' | '>' | '>=' | '=';
/** percent: 1 is 1%; ms: milliseconds; count: a number of requests. */
export type GateUnit = 'percent' | 'ms' | 'count';
export type MetricKind = 'error-rate' | 'errors' | 'throttles' | 'avg-duration' | 'percentile';

export interface GateMetric {
  kind: MetricKind;
  /** As written canonically: `error-rate`, `p99.9-duration`. */
  name: string;
  unit: GateUnit;
  /** For kind `percentile`: CloudWatch's statistic, `p99`, `p99.9`. */
  statistic?: string;
}

export type GateBound =
  | { kind: 'constant'; value: number }
  /** previous + delta (delta may be negative or zero), in the metric's unit. */
  | { kind: 'previous-plus'; delta: number }
  | { kind: 'previous-times'; factor: number };

export interface Gate {
  /** 1-based line of the input. */
  line: number;
  /** The line as written, trimmed. */
  text: string;
  metric: GateMetric;
  operator: GateOperator;
  bound: GateBound;
}

/**
 * CodeDeploy takes at most 10 alarms per deployment, one per gate (settings.ts MAX_ALARMS,
 * not imported: settings.ts imports this file).
 */
export const MAX_GATES = 10;

export const GATE_FORMS =
  'Valid forms, one a line: `<metric> <operator> <bound>` with metric `error-rate`, `errors`, ' +
  '`throttles`, `avg-duration` or `pNN-duration` (a percentile such as `p99-duration`, ' +
  '`p99.9-duration`); operator `<`, `<=`, `>`, `>=`, or `= 0` for errors and throttles; bound a ' +
  'constant (`1%` for error-rate, `800ms` or `1.5s` for durations, a whole number for errors and ' +
  'throttles) or `previous`, `previous + 0.5%`, `previous - 50ms`, `previous * 1.2` (not for ' +
  'errors and throttles). Examples: `error-rate < 1%`, `p99-duration < 800ms`, `throttles = 0`, ' +
  '`error-rate < previous + 0.5%`.';

const GATE = /^([A-Za-z0-9.-]+)\s*(<=|>=|==|=<|=>|<|>|=|!=)\s*(.*)$/;
const CONSTANT = /^(\d+(?:\.\d+)?)\s*(%|ms|s)?$/i;
const PREVIOUS = /^previous(?:\s*([+*-])\s*(.*))?$/i;
const PERCENTILE = /^p(\d{1,2}(?:\.\d{1,2})?)-duration$/i;

type Step<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseMetric(raw: string): Step<GateMetric> {
  const name = raw.toLowerCase();
  if (name === 'error-rate') return { ok: true, value: { kind: name, name, unit: 'percent' } };
  if (name === 'errors' || name === 'throttles')
    return { ok: true, value: { kind: name, name, unit: 'count' } };
  if (name === 'avg-duration') return { ok: true, value: { kind: name, name, unit: 'ms' } };
  const p = PERCENTILE.exec(raw);
  if (p) {
    const n = Number(p[1]);
    if (n > 0 && n < 100) {
      const statistic = `p${String(n)}`;
      return {
        ok: true,
        value: { kind: 'percentile', name: `${statistic}-duration`, unit: 'ms', statistic },
      };
    }
    return { ok: false, error: `the percentile \`p${p[1]}\` must be above 0 and below 100` };
  }
  return { ok: false, error: `\`${raw}\` is not a metric` };
}

/** A constant in the metric's unit; durations in seconds become milliseconds. */
export function parseConstant(raw: string, metric: GateMetric): Step<number> {
  const m = CONSTANT.exec(raw.trim());
  if (!m) return { ok: false, error: `\`${raw.trim()}\` is not a number with a unit` };
  const n = Number(m[1]);
  const unit = m[2]?.toLowerCase();
  if (metric.unit === 'percent') {
    if (unit !== '%')
      return { ok: false, error: `${metric.name} takes a percentage such as \`1%\`` };
    if (n > 100) return { ok: false, error: `${metric.name} cannot exceed 100%` };
    return { ok: true, value: n };
  }
  if (metric.unit === 'ms') {
    if (unit === 'ms') return { ok: true, value: n };
    if (unit === 's') return { ok: true, value: n * 1000 };
    return {
      ok: false,
      error: `${metric.name} takes a duration in \`ms\` or \`s\`, such as \`800ms\``,
    };
  }
  if (unit !== undefined || !Number.isInteger(n))
    return {
      ok: false,
      error: `${metric.name} is a count: a whole number without unit, such as \`5\``,
    };
  return { ok: true, value: n };
}

function parseBound(raw: string, metric: GateMetric): Step<GateBound> {
  const prev = PREVIOUS.exec(raw);
  if (!prev) {
    const c = parseConstant(raw, metric);
    return c.ok ? { ok: true, value: { kind: 'constant', value: c.value } } : c;
  }
  if (metric.unit === 'count')
    return {
      ok: false,
      error: `${metric.name} is a count, which follows each version's share of traffic: compare it with a constant, or use error-rate`,
    };
  const [, sign, rest] = prev;
  if (sign === undefined) return { ok: true, value: { kind: 'previous-plus', delta: 0 } };
  if (sign === '*') {
    const factor = Number((rest ?? '').trim());
    if (!/^\d+(\.\d+)?$/.test((rest ?? '').trim()) || !(factor > 0))
      return {
        ok: false,
        error: `\`previous *\` takes a factor above 0 without unit, such as \`1.2\``,
      };
    return { ok: true, value: { kind: 'previous-times', factor } };
  }
  const c = parseConstant(rest ?? '', metric);
  if (!c.ok) return c;
  return { ok: true, value: { kind: 'previous-plus', delta: sign === '-' ? -c.value : c.value } };
}

export function parseGate(text: string, line: number): Step<Gate> {
  const m = GATE.exec(text);
  if (!m) return { ok: false, error: 'expected `<metric> <operator> <bound>`' };
  const [, rawMetric = '', op = '', rawBound = ''] = m;
  const metric = parseMetric(rawMetric);
  if (!metric.ok) return metric;
  if (!['<', '<=', '>', '>=', '='].includes(op))
    return {
      ok: false,
      error: `\`${op}\` is not an operator (use \`<\`, \`<=\`, \`>\`, \`>=\` or \`=\`)`,
    };
  const operator = op as GateOperator;
  if (rawBound.trim() === '')
    return { ok: false, error: 'the bound is missing after the operator' };
  const bound = parseBound(rawBound.trim(), metric.value);
  if (!bound.ok) return bound;
  if (
    operator === '=' &&
    !(metric.value.unit === 'count' && bound.value.kind === 'constant' && bound.value.value === 0)
  )
    return {
      ok: false,
      error: '`=` is only for `errors = 0` and `throttles = 0`; use `<` or `<=` otherwise',
    };
  return { ok: true, value: { line, text, metric: metric.value, operator, bound: bound.value } };
}

/** Parses the whole input. Every bad line is reported, each with its number and text. */
export function parseGates(input: string): ParseResult<Gate[]> {
  const gates: Gate[] = [];
  const problems: string[] = [];
  input.split(/\r?\n/).forEach((raw, i) => {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    const gate = parseGate(text, i + 1);
    if (gate.ok) gates.push(gate.value);
    else problems.push(`line ${i + 1} \`${text}\`: ${gate.error}`);
  });
  if (problems.length === 0 && gates.length > MAX_GATES)
    problems.push(
      `${gates.length} gates, but CodeDeploy takes at most ${MAX_GATES} alarms per deployment (one per gate, shared with the \`alarms\` input and the deployment group's alarms)`,
    );
  if (problems.length === 0) return { ok: true, value: gates };
  return { ok: false, error: `${problems.join('; ')}. ${GATE_FORMS}` };
}
