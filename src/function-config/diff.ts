// Desired vs current configuration → the UpdateFunctionConfiguration request (only the fields
// that differ; none when nothing differs, because any update of $LATEST makes PublishVersion cut
// a new version) and a diff for the log, summary and dry run that never shows a variable's value.
// Comparison rules: docs/aws-semantics.md "Comparing configurations".
import type {
  Architecture,
  ConfigField,
  ConfigFields,
  CurrentConfig,
  DesiredConfig,
} from './types.ts';

export type ConfigChange =
  | { kind: 'value'; field: string; from: string; to: string }
  | { kind: 'environment'; added: string[]; changed: string[]; removed: string[] };

export interface ConfigPlan {
  /** Undefined when nothing differs: then send no UpdateFunctionConfiguration at all. */
  request?: ConfigFields;
  /** Differs from the function's: send it with UpdateFunctionCode (Architectures). */
  architecture?: Architecture;
  changes: ConfigChange[];
}

/** What Lambda reports for a field or sub-field that was never set. */
const DEFAULTS: Readonly<Record<string, unknown>> = {
  Description: '',
  KMSKeyArn: '',
  'DeadLetterConfig.TargetArn': '',
  'TracingConfig.Mode': 'PassThrough',
  'EphemeralStorage.Size': 512,
  'SnapStart.ApplyOn': 'None',
  'LoggingConfig.LogFormat': 'Text',
  'VpcConfig.Ipv6AllowedForDualStack': false,
  'ImageConfig.WorkingDirectory': '',
};
/** Lists whose order Lambda does not keep or use; every other list (Layers, EntryPoint, Command) is ordered. */
const UNORDERED = new Set([
  'VpcConfig.SubnetIds',
  'VpcConfig.SecurityGroupIds',
  'FileSystemConfigs',
]);

type Leaf = { path: string; from: string; to: string };

function show(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (value === '') return '(empty)';
  if (Array.isArray(value))
    return `[${value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}]`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function canonical(list: readonly unknown[], path: string): string {
  const items = list.map((v) => JSON.stringify(v));
  return JSON.stringify(UNORDERED.has(path) ? items.sort() : items);
}

/** Differences at the leaves the desired value gives; a sub-field it leaves out is Lambda's. */
function leaves(desired: unknown, current: unknown, path: string): Leaf[] {
  const now = current ?? DEFAULTS[path];
  if (Array.isArray(desired)) {
    const list = Array.isArray(now) ? now : [];
    return canonical(desired, path) === canonical(list, path)
      ? []
      : [{ path, from: show(now ?? []), to: show(desired) }];
  }
  if (typeof desired === 'object' && desired !== null) {
    const sub = (typeof now === 'object' && now !== null ? now : {}) as Record<string, unknown>;
    return Object.entries(desired).flatMap(([k, v]) => leaves(v, sub[k], `${path}.${k}`));
  }
  return desired === now ? [] : [{ path, from: show(now), to: show(desired) }];
}

/** The current value of a field in the request's shape. */
function currentOf(field: ConfigField, current: CurrentConfig): unknown {
  if (field === 'Layers') return current.Layers?.map((l) => l.Arn ?? '');
  if (field === 'ImageConfig') return current.ImageConfigResponse?.ImageConfig;
  return current[field];
}

/** Keys only: a value never leaves this function. */
function environmentChange(
  desired: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>>,
): ConfigChange | undefined {
  const added = Object.keys(desired).filter((k) => !Object.hasOwn(current, k));
  const removed = Object.keys(current).filter((k) => !Object.hasOwn(desired, k));
  const changed = Object.keys(desired).filter(
    (k) => Object.hasOwn(current, k) && current[k] !== desired[k],
  );
  if (added.length + removed.length + changed.length === 0) return undefined;
  return {
    kind: 'environment',
    added: added.sort(),
    changed: changed.sort(),
    removed: removed.sort(),
  };
}

export function diffConfig(desired: DesiredConfig, current: CurrentConfig): ConfigPlan {
  const request: Record<string, unknown> = {};
  const changes: ConfigChange[] = [];
  for (const [field, value] of Object.entries(desired.fields) as [ConfigField, unknown][]) {
    if (value === undefined) continue;
    if (field === 'Environment') {
      const vars = desired.fields.Environment?.Variables ?? {};
      const change = environmentChange(vars, current.Environment?.Variables ?? {});
      if (change) {
        changes.push(change);
        request[field] = value;
      }
      continue;
    }
    const diffs = leaves(value, currentOf(field, current), field);
    if (diffs.length > 0) request[field] = value;
    for (const d of diffs) changes.push({ kind: 'value', field: d.path, from: d.from, to: d.to });
  }
  const plan: ConfigPlan = { changes };
  if (Object.keys(request).length > 0) plan.request = request as ConfigFields;
  // Lambda's default architecture is x86_64; a function reports exactly one.
  const arch = current.Architectures?.[0] ?? 'x86_64';
  if (desired.architecture && desired.architecture !== arch) {
    plan.architecture = desired.architecture;
    changes.push({ kind: 'value', field: 'Architectures', from: arch, to: desired.architecture });
  }
  return plan;
}

/** One line per change, plain text (the summary escapes it): `MemorySize: 128 → 512`. */
export function describeChanges(changes: readonly ConfigChange[]): string[] {
  return changes.map((c) => {
    if (c.kind === 'value') return `${c.field}: ${c.from} → ${c.to}`;
    const parts = [
      c.added.length > 0 ? `added ${c.added.join(', ')}` : '',
      c.changed.length > 0 ? `changed ${c.changed.join(', ')}` : '',
      c.removed.length > 0 ? `removed ${c.removed.join(', ')}` : '',
    ];
    return `Environment: ${parts.filter((p) => p !== '').join('; ')}`;
  });
}
