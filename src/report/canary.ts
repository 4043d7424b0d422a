// The canary report in the job summary: each version's metrics during the release, each gate
// with its threshold, value and verdict, and which gate stopped the release. Pure Markdown; every
// string from inputs or AWS (gate text, versions, alarm names) is escaped.
import type { VersionMetrics } from '../gates/metrics.ts';
import { type CanaryReport, formatValue, type GateReport } from '../gates/report.ts';
import { escapeMarkdown, inlineCode, truncate } from './escape.ts';

/** Fewer requests than this on the new version, and the report says its verdicts say little. */
export const FEW_REQUESTS = 100;

const VERDICT: Record<GateReport['verdict'], string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  'no-data': '⚪ no data',
};

function versionLabel(v: VersionMetrics, role: string): string {
  const t = truncate(v.version, 60);
  return `${role} (${/^\d+$/.test(t) ? `v${t}` : escapeMarkdown(t)})`;
}

function metricRows(versions: VersionMetrics[]): string[] {
  const row = (name: string, cell: (v: VersionMetrics) => string) =>
    `| ${name} | ${versions.map(cell).join(' | ')} |`;
  return [
    row('requests', (v) => String(v.requests)),
    row('errors', (v) => String(v.errors)),
    row('error rate', (v) => formatValue('percent', v.errorRate)),
    row('p99 duration', (v) => formatValue('ms', v.percentiles.p99)),
    row('average duration', (v) => formatValue('ms', v.avgDuration)),
    row('throttles', (v) => String(v.throttles)),
  ];
}

function versionsTable(c: CanaryReport): string[] {
  const versions = [c.newVersion, ...(c.previousVersion ? [c.previousVersion] : [])];
  const labels = [
    versionLabel(c.newVersion, 'new'),
    ...(c.previousVersion ? [versionLabel(c.previousVersion, 'previous')] : []),
  ];
  return [
    `| metric | ${labels.join(' | ')} |`,
    `|---|${versions.map(() => '---:').join('|')}|`,
    ...metricRows(versions),
  ];
}

function gatesTable(c: CanaryReport): string[] {
  const rows = c.gates.map((g) => {
    const unit = g.gate.metric.unit;
    const threshold = g.threshold !== undefined ? formatValue(unit, g.threshold) : 'no data';
    const value = g.verdict === 'no-data' ? 'no data' : formatValue(unit, g.value);
    const stopped = g.stoppedRelease ? ' (stopped the release)' : '';
    return `| ${inlineCode(truncate(g.gate.text, 200))} | ${threshold} | ${value} | ${VERDICT[g.verdict]}${stopped} |`;
  });
  return ['| gate | threshold | value | verdict |', '|---|---:|---:|---|', ...rows];
}

/** Plain sentences: what stopped it, too little traffic, gates that never had data. */
function findings(c: CanaryReport): string[] {
  const out: string[] = [];
  const s = c.stoppedBy;
  if (s)
    out.push(
      `The gate ${inlineCode(truncate(s.gate.text, 200))} stopped the release: its alarm ${inlineCode(truncate(s.alarmName, 255))} went into ALARM; the new version's ${s.gate.metric.name} over the release was ${formatValue(s.gate.metric.unit, s.value)}.`,
    );
  if (c.otherAlarmsFired.length > 0)
    out.push(
      `Other alarms that stopped it: ${c.otherAlarmsFired
        .slice(0, 20)
        .map((a) => inlineCode(truncate(a, 255)))
        .join(', ')}.`,
    );
  const n = c.newVersion.requests;
  if (c.noTraffic)
    out.push(
      'The new version served **no** requests during the release: no gate could judge it, so passing them says nothing about it.',
    );
  else if (n < FEW_REQUESTS)
    out.push(
      `The new version served only ${n} request${n === 1 ? '' : 's'} during the release: too few for the gates' verdicts to say much.`,
    );
  for (const g of c.gatesWithoutData)
    out.push(
      `The gate ${inlineCode(truncate(g.gate.text, 200))} never had data: it neither passed nor failed.`,
    );
  return out.map((line) => `- ${line}`);
}

/** The canary section as one Markdown block, or none for a release without metric gates. */
export function canarySection(c: CanaryReport | undefined): string[] {
  if (!c) return [];
  const facts = findings(c);
  const lines = [
    '#### Canary report',
    '',
    "Each version on the alias during the release, from Lambda's per-version metrics (`ExecutedVersion`).",
    '',
    ...versionsTable(c),
    '',
    ...gatesTable(c),
    ...(facts.length ? ['', ...facts] : []),
  ];
  return [lines.join('\n')];
}
