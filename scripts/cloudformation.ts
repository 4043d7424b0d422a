// Checks a CloudFormation template without AWS: it parses with CloudFormation's YAML tags
// (!Ref, !Sub, ...), every resource type and property is in CloudFormation's published
// resource specification (@aws-cdk/cfnspec, pinned), every Ref, GetAtt, Sub variable and
// condition names something the template defines; and it evaluates the template for given
// parameters, as CloudFormation would, so tests can read the policy a stack would get.
// Used by test/unit/setup-template.test.ts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseDocument, type Tags } from 'yaml';

// ---------------------------------------------------------------------------------------------
// Parsing

/** The short-form tags and the long form each stands for. */
const FUNCTION_TAGS: Record<string, string> = {
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  FindInMap: 'Fn::FindInMap',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  Sub: 'Fn::Sub',
  Transform: 'Fn::Transform',
  And: 'Fn::And',
  Equals: 'Fn::Equals',
  If: 'Fn::If',
  Not: 'Fn::Not',
  Or: 'Fn::Or',
  GetAtt: 'Fn::GetAtt',
  Ref: 'Ref',
  Condition: 'Condition',
};

function cfnTags(): Tags {
  const tags: Tags = [];
  for (const [short, long] of Object.entries(FUNCTION_TAGS)) {
    const wrap = (value: unknown) =>
      // `!GetAtt A.B` is the scalar form of `Fn::GetAtt: [A, B]`.
      long === 'Fn::GetAtt' && typeof value === 'string'
        ? { [long]: [value.slice(0, value.indexOf('.')), value.slice(value.indexOf('.') + 1)] }
        : { [long]: value };
    for (const collection of [undefined, 'seq', 'map'] as const) {
      tags.push({
        tag: `!${short}`,
        ...(collection ? { collection } : {}),
        resolve: (value: unknown) =>
          wrap(
            value && typeof value === 'object' && 'toJSON' in value
              ? (value as { toJSON(): unknown }).toJSON()
              : value,
          ),
      } as Tags[number]);
    }
  }
  return tags;
}

export type Template = {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<
    string,
    {
      Type: string;
      Default?: string;
      AllowedValues?: string[];
      AllowedPattern?: string;
      Description?: string;
    }
  >;
  Rules?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties?: unknown }>;
  Outputs?: Record<string, { Value: unknown; Condition?: string; Description?: string }>;
};

/** Parses a template; an unknown `!Tag` is an error, as CloudFormation makes it. */
export function parseTemplate(text: string): Template {
  const doc = parseDocument(text, { customTags: cfnTags(), strict: true, uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) throw new Error(problems.map((p) => p.message).join('\n'));
  return doc.toJS() as Template;
}

// ---------------------------------------------------------------------------------------------
// The resource specification

interface SpecProperty {
  Required?: boolean;
  Type?: string;
  PrimitiveType?: string;
  ItemType?: string;
  PrimitiveItemType?: string;
}
interface SpecType {
  Properties?: Record<string, SpecProperty>;
  Attributes?: Record<string, unknown>;
}
export interface ResourceSpec {
  ResourceSpecificationVersion: string;
  ResourceTypes: Record<string, SpecType>;
  PropertyTypes: Record<string, SpecType>;
}

export function loadSpec(): ResourceSpec {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@aws-cdk/cfnspec/spec/specification.json');
  return JSON.parse(readFileSync(path, 'utf8')) as ResourceSpec;
}

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ 'Fn::X': ... }` or `{ Ref: ... }`: a value CloudFormation computes. */
function intrinsic(v: unknown): [string, unknown] | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  return k === 'Ref' || k === 'Condition' || k.startsWith('Fn::') ? [k, v[k]] : undefined;
}

const KNOWN_FUNCTIONS = new Set(Object.values(FUNCTION_TAGS));

/** `${Name}` and `${Res.Attr}` in a Fn::Sub string (`${!Literal}` is no variable). */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map((m) => m[1]!.trim());
}

/**
 * Every problem of a template against the specification: unknown resource types, properties,
 * attributes and functions, missing required properties, a value of the wrong shape, and
 * references to parameters, resources or conditions it does not define.
 */
export function validateTemplate(t: Template, spec: ResourceSpec): string[] {
  const problems: string[] = [];
  const params = new Set(Object.keys(t.Parameters ?? {}));
  const resources = t.Resources ?? {};
  const conditions = new Set(Object.keys(t.Conditions ?? {}));
  const refable = (name: string) => params.has(name) || name in resources || PSEUDO.has(name);

  const checkAtt = (where: string, res: string, att: string) => {
    const r = resources[res];
    if (!r) problems.push(`${where}: GetAtt names no resource \`${res}\``);
    else if (!(att in (spec.ResourceTypes[r.Type]?.Attributes ?? {})))
      problems.push(`${where}: ${r.Type} has no attribute \`${att}\``);
  };

  /** Checks every intrinsic function under `v`, wherever it is. */
  const walk = (v: unknown, where: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, `${where}[${i}]`);
      });
      return;
    }
    if (!isObject(v)) return;
    const fn = intrinsic(v);
    if (fn) {
      const [name, arg] = fn;
      if (name.startsWith('Fn::') && !KNOWN_FUNCTIONS.has(name))
        problems.push(`${where}: unknown function ${name}`);
      if (name === 'Ref' && (typeof arg !== 'string' || !refable(arg)))
        problems.push(`${where}: Ref names nothing the template defines: ${JSON.stringify(arg)}`);
      if (name === 'Condition' && (typeof arg !== 'string' || !conditions.has(arg)))
        problems.push(`${where}: no condition ${JSON.stringify(arg)}`);
      if (name === 'Fn::If') {
        const c = Array.isArray(arg) ? arg[0] : undefined;
        if (!Array.isArray(arg) || arg.length !== 3 || typeof c !== 'string' || !conditions.has(c))
          problems.push(`${where}: Fn::If needs [a defined condition, then, else]`);
      }
      if (name === 'Fn::GetAtt') {
        if (!Array.isArray(arg) || arg.length !== 2)
          problems.push(`${where}: Fn::GetAtt needs [resource, attribute]`);
        else checkAtt(where, String(arg[0]), String(arg[1]));
      }
      if (name === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        if (typeof text !== 'string') problems.push(`${where}: Fn::Sub needs a literal string`);
        else
          for (const name of subVariables(text)) {
            if (isObject(vars) && name in vars) continue;
            const dot = name.indexOf('.');
            if (dot > 0 && !name.startsWith('AWS::'))
              checkAtt(where, name.slice(0, dot), name.slice(dot + 1));
            else if (!refable(name))
              problems.push(`${where}: Fn::Sub variable \`${name}\` is not defined`);
          }
      }
      walk(arg, `${where}.${name}`);
    } else for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
  };

  /** Checks a property value against its type in the specification. */
  const checkValue = (v: unknown, p: SpecProperty, owner: string, where: string): void => {
    const problem = valueProblem(v, p, owner);
    if (problem) problems.push(`${where}: ${problem}`);
    else if (intrinsic(v) || p.PrimitiveType === 'Json') walk(v, where);
    else if (p.Type === 'List' || p.Type === 'Map') {
      const item: SpecProperty = p.ItemType
        ? { Type: p.ItemType }
        : { PrimitiveType: p.PrimitiveItemType };
      for (const [k, x] of Object.entries(v as object))
        checkValue(x, item, owner, `${where}[${k}]`);
    } else if (p.Type)
      checkProperties(v as Record<string, unknown>, propertyType(p, owner)!, owner, where);
  };

  const propertyType = (p: SpecProperty, owner: string): SpecType | undefined =>
    spec.PropertyTypes[`${owner}.${p.Type}`] ?? spec.PropertyTypes[p.Type ?? ''];

  /** What is wrong with the shape of a value, if anything (its contents are checked apart). */
  const valueProblem = (v: unknown, p: SpecProperty, owner: string): string | undefined => {
    if (intrinsic(v) || p.PrimitiveType === 'Json') return undefined;
    if (p.Type === 'List') return Array.isArray(v) ? undefined : 'expected a list';
    if (p.Type === 'Map') return isObject(v) ? undefined : 'expected a map';
    if (p.Type) {
      if (!propertyType(p, owner)) return `the specification has no type ${owner}.${p.Type}`;
      return isObject(v) ? undefined : `expected a ${p.Type} object`;
    }
    return isObject(v) || Array.isArray(v) ? `expected a ${p.PrimitiveType}` : undefined;
  };

  const checkProperties = (
    props: Record<string, unknown>,
    type: SpecType,
    owner: string,
    where: string,
  ) => {
    const known = type.Properties ?? {};
    for (const [name, value] of Object.entries(props)) {
      const p = known[name];
      if (!p) problems.push(`${where}: ${owner} has no property \`${name}\``);
      else checkValue(value, p, owner, `${where}.${name}`);
    }
    for (const [name, p] of Object.entries(known))
      if (p.Required && !(name in props))
        problems.push(`${where}: required property \`${name}\` is missing`);
  };

  for (const [name, r] of Object.entries(resources)) {
    const where = `Resources.${name}`;
    const type = spec.ResourceTypes[r.Type];
    if (!type) {
      problems.push(`${where}: resource type ${r.Type} is not in the CloudFormation specification`);
      continue;
    }
    if (r.Condition !== undefined && !conditions.has(r.Condition))
      problems.push(`${where}: no condition ${r.Condition}`);
    checkProperties(
      isObject(r.Properties) ? r.Properties : {},
      type,
      r.Type,
      `${where}.Properties`,
    );
  }
  for (const [name, c] of Object.entries(t.Conditions ?? {})) walk(c, `Conditions.${name}`);
  for (const [name, o] of Object.entries(t.Outputs ?? {})) {
    if (o.Condition !== undefined && !conditions.has(o.Condition))
      problems.push(`Outputs.${name}: no condition ${o.Condition}`);
    walk(o.Value, `Outputs.${name}`);
  }
  walk(t.Rules ?? {}, 'Rules');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface StackContext {
  parameters: Record<string, string>;
  region?: string;
  accountId?: string;
  partition?: string;
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * The resources and outputs a stack gets from a template and its parameters: conditions
 * applied, every intrinsic function resolved (a GetAtt becomes `<Resource.Attribute>`).
 */
export function evaluateTemplate(t: Template, ctx: StackContext) {
  const params: Record<string, string> = {};
  for (const [name, p] of Object.entries(t.Parameters ?? {})) {
    const value = ctx.parameters[name] ?? p.Default;
    if (value === undefined) throw new Error(`parameter ${name} has no value`);
    if (p.AllowedValues && !p.AllowedValues.includes(value))
      throw new Error(`parameter ${name}: ${value} is not one of ${p.AllowedValues.join(', ')}`);
    params[name] = value;
  }
  const pseudo: Record<string, string> = {
    'AWS::AccountId': ctx.accountId ?? '123456789012',
    'AWS::Partition': ctx.partition ?? 'aws',
    'AWS::Region': ctx.region ?? 'eu-west-1',
    'AWS::StackName': 'stack',
  };
  const conditionCache = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    if (!conditionCache.has(name)) {
      const c = t.Conditions?.[name];
      if (c === undefined) throw new Error(`no condition ${name}`);
      conditionCache.set(name, Boolean(value(c)));
    }
    return conditionCache.get(name)!;
  };
  const ref = (name: string): unknown => {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name in params) return params[name];
    if (name in pseudo) return pseudo[name];
    if (name in t.Resources) return `<${name}>`;
    throw new Error(`Ref ${name}: not defined`);
  };
  const value = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(value).filter((x) => x !== NO_VALUE);
    if (!isObject(v)) return v;
    const fn = intrinsic(v);
    if (!fn) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const r = value(x);
        if (r !== NO_VALUE) out[k] = r;
      }
      return out;
    }
    const [name, arg] = fn;
    const args = arg as unknown[];
    switch (name) {
      case 'Ref':
        return ref(arg as string);
      case 'Condition':
        return condition(arg as string);
      case 'Fn::If':
        return value(condition(args[0] as string) ? args[1] : args[2]);
      case 'Fn::Equals':
        return String(value(args[0])) === String(value(args[1]));
      case 'Fn::Not':
        return !value(args[0]);
      case 'Fn::And':
        return args.every((c) => value(c));
      case 'Fn::Or':
        return args.some((c) => value(c));
      case 'Fn::GetAtt':
        return `<${args[0]}.${args[1]}>`;
      case 'Fn::Join':
        return (value(args[1]) as string[]).join(args[0] as string);
      case 'Fn::Split':
        return String(value(args[1])).split(args[0] as string);
      case 'Fn::Select': {
        const list = value(args[1]) as unknown[];
        const i = Number(value(args[0]));
        if (!(i >= 0 && i < list.length)) throw new Error(`Fn::Select: index ${i} out of range`);
        return list[i];
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg)
          ? (arg as [string, Record<string, unknown>])
          : [arg as string, {}];
        const local = Object.fromEntries(Object.entries(vars).map(([k, x]) => [k, value(x)]));
        return text.replace(/\$\{(!?)([^}]*)\}/g, (_, bang: string, name: string) => {
          if (bang) return `\${${name}}`;
          if (name in local) return String(local[name]);
          const dot = name.indexOf('.');
          if (dot > 0 && !name.startsWith('AWS::')) return `<${name}>`;
          return String(ref(name));
        });
      }
      default:
        throw new Error(`${name} is not evaluated here`);
    }
  };
  const resources: Record<string, { Type: string; Properties: Record<string, unknown> }> = {};
  for (const [name, r] of Object.entries(t.Resources)) {
    if (r.Condition && !condition(r.Condition)) continue;
    resources[name] = {
      Type: r.Type,
      Properties: value(r.Properties ?? {}) as Record<string, unknown>,
    };
  }
  const outputs: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(t.Outputs ?? {})) {
    if (o.Condition && !condition(o.Condition)) continue;
    outputs[name] = value(o.Value);
  }
  return { resources, outputs };
}

// ---------------------------------------------------------------------------------------------
// IAM

export interface IamStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every `Action` in the template's IAM documents (trust and permission policies), unevaluated. */
export function templateActions(t: Template): { permissions: string[]; trust: string[] } {
  const permissions = new Set<string>();
  const trust = new Set<string>();
  const collect = (v: unknown, into: Set<string>): void => {
    if (Array.isArray(v)) {
      for (const x of v) collect(x, into);
      return;
    }
    if (!isObject(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Action')
        for (const a of ([] as unknown[]).concat(x)) if (typeof a === 'string') into.add(a);
      collect(x, into);
    }
  };
  for (const r of Object.values(t.Resources)) {
    const props = isObject(r.Properties) ? r.Properties : {};
    collect(props.AssumeRolePolicyDocument, trust);
    collect(props.Policies, permissions);
    collect(props.PolicyDocument, permissions);
  }
  return { permissions: [...permissions].sort(), trust: [...trust].sort() };
}
