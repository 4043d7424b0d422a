// Lambda's runtime blocks (docs/aws-semantics.md "Runtimes"): after a runtime's block-create
// date CreateFunction refuses it, after its block-update date every update of a function on
// it is refused (code or configuration), unless the update moves the function to a runtime
// that is not blocked. Dates are compared with the emulated clock.
import { invalidParam } from './errors.ts';

interface Blocks {
  create: string;
  update: string;
}

/** Dated blocks AWS published (cfn-lint's copy of the runtimes page, 2026-06-02). */
const DATED: Readonly<Record<string, Blocks>> = {
  'nodejs18.x': { create: '2027-02-01', update: '2027-03-03' },
  'nodejs20.x': { create: '2027-02-01', update: '2027-03-03' },
  'python3.9': { create: '2027-02-01', update: '2027-03-03' },
  'python3.10': { create: '2027-02-01', update: '2027-03-03' },
  'java8.al2': { create: '2027-07-31', update: '2027-08-31' },
  java11: { create: '2027-07-31', update: '2027-08-31' },
  dotnet8: { create: '2027-02-01', update: '2027-03-03' },
  'ruby3.2': { create: '2027-02-01', update: '2027-03-03' },
  'provided.al2': { create: '2027-02-01', update: '2027-03-03' },
};

/**
 * Blocked for create and update before this emulator's time: the runtimes retired years ago,
 * and those deprecated in 2023–2024 [unverified: their block dates moved more than once;
 * modelled as passed].
 */
const BLOCKED = new Set([
  'nodejs',
  'nodejs4.3',
  'nodejs4.3-edge',
  'nodejs6.10',
  'nodejs8.10',
  'nodejs10.x',
  'nodejs12.x',
  'nodejs14.x',
  'nodejs16.x',
  'python2.7',
  'python3.6',
  'python3.7',
  'python3.8',
  'java8',
  'dotnet6',
  'dotnetcore1.0',
  'dotnetcore2.0',
  'dotnetcore2.1',
  'dotnetcore3.1',
  'go1.x',
  'provided',
  'ruby2.5',
  'ruby2.7',
]);

function blocked(runtime: string, what: keyof Blocks, now: number): boolean {
  if (BLOCKED.has(runtime)) return true;
  const date = DATED[runtime]?.[what];
  return date !== undefined && new Date(now).toISOString().slice(0, 10) >= date;
}

const refusal = (runtime: string) =>
  invalidParam(
    `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`,
  );

/** CreateFunction with `runtime`. */
export function checkCreateRuntime(runtime: unknown, now: number): void {
  if (typeof runtime === 'string' && blocked(runtime, 'create', now)) throw refusal(runtime);
}

/** An update of a function on `current`, possibly moving it to `requested`. */
export function checkUpdateRuntime(current: string, requested: unknown, now: number): void {
  if (typeof requested === 'string') {
    if (blocked(requested, 'update', now)) throw refusal(requested);
    return;
  }
  if (blocked(current, 'update', now)) throw refusal(current);
}
