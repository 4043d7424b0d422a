// Lambda's runtime calendar: for each runtime identifier of the API model, the dates Lambda
// deprecates it, then blocks creating and then updating functions on it, with where each date
// came from. AWS moves these dates (it has pushed block dates back more than once), so a date
// past is a warning, never a refusal: Lambda decides, and its refusal is worded by
// aws/errors.ts. Only runtimes blocked for good years ago are refused here. A unit test keeps
// the table equal to the installed SDK's Runtime enum. See docs/aws-semantics.md "Runtimes".

/** ISO dates (UTC days); absent when AWS has published none. */
export interface RuntimeDates {
  deprecated?: string;
  blockCreate?: string;
  blockUpdate?: string;
  /** Where the dates came from. */
  source?: string;
  /** Blocked for create and update long ago: every call with it fails. */
  retired?: true;
}

const PAGE = "AWS Lambda runtimes page, as cfn-lint's runtime table copied it on 2026-06-02";
const PAGE_OLD =
  'AWS Lambda runtimes page as of 2025 (deprecation dates); block dates unverified, AWS extended them';
const NONE = 'no date published';
const RETIRED = { retired: true, source: 'blocked for create and update before 2024' } as const;

/** Every value of the SDK's Runtime enum. */
export const RUNTIME_CALENDAR = {
  'nodejs18.x': {
    deprecated: '2025-09-01',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
    source: PAGE,
  },
  'nodejs20.x': {
    deprecated: '2026-04-30',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
    source: PAGE,
  },
  'nodejs22.x': { source: NONE },
  'nodejs24.x': { source: NONE },
  'nodejs26.x': { source: NONE },
  'python3.9': {
    deprecated: '2025-12-15',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
    source: PAGE,
  },
  'python3.10': {
    deprecated: '2026-10-31',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
    source: PAGE,
  },
  'python3.11': { source: NONE },
  'python3.12': { source: NONE },
  'python3.13': { source: NONE },
  'python3.14': { source: NONE },
  'python3.15': { source: NONE },
  'java8.al2': {
    deprecated: '2027-06-30',
    blockCreate: '2027-07-31',
    blockUpdate: '2027-08-31',
    source: PAGE,
  },
  'java8.al2023': { source: NONE },
  java11: {
    deprecated: '2027-06-30',
    blockCreate: '2027-07-31',
    blockUpdate: '2027-08-31',
    source: PAGE,
  },
  'java11.al2023': { source: NONE },
  java17: { source: NONE },
  'java17.al2023': { source: NONE },
  java21: { source: NONE },
  java25: { source: NONE },
  dotnet8: {
    deprecated: '2026-11-10',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
    source: PAGE,
  },
  dotnet10: { source: NONE },
  'ruby3.2': {
    deprecated: '2026-03-31',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
    source: PAGE,
  },
  'ruby3.3': { source: NONE },
  'ruby3.4': { source: NONE },
  'ruby4.0': { source: NONE },
  'provided.al2': {
    deprecated: '2026-07-31',
    blockCreate: '2027-02-01',
    blockUpdate: '2027-03-03',
    source: PAGE,
  },
  'provided.al2023': { source: NONE },
  // Deprecated before 2025; AWS blocks updates of these on dates it has moved: Lambda decides.
  'nodejs14.x': { deprecated: '2023-12-04', source: PAGE_OLD },
  'nodejs16.x': { deprecated: '2024-06-12', source: PAGE_OLD },
  'python3.7': { deprecated: '2023-12-04', source: PAGE_OLD },
  'python3.8': { deprecated: '2024-10-14', source: PAGE_OLD },
  java8: { deprecated: '2024-01-08', source: PAGE_OLD },
  dotnet6: { deprecated: '2024-12-20', source: PAGE_OLD },
  'go1.x': { deprecated: '2024-01-08', source: PAGE_OLD },
  provided: { deprecated: '2024-01-08', source: PAGE_OLD },
  'ruby2.7': { deprecated: '2023-12-07', source: PAGE_OLD },
  nodejs: RETIRED,
  'nodejs4.3': RETIRED,
  'nodejs4.3-edge': RETIRED,
  'nodejs6.10': RETIRED,
  'nodejs8.10': RETIRED,
  'nodejs10.x': RETIRED,
  'nodejs12.x': RETIRED,
  'python2.7': RETIRED,
  'python3.6': RETIRED,
  'dotnetcore1.0': RETIRED,
  'dotnetcore2.0': RETIRED,
  'dotnetcore2.1': RETIRED,
  'dotnetcore3.1': RETIRED,
  'ruby2.5': RETIRED,
} as const satisfies Record<string, RuntimeDates>;

type Calendar = typeof RUNTIME_CALENDAR;
/** The runtimes a function may be given (every one not retired). */
export type Runtime = {
  [K in keyof Calendar]: Calendar[K] extends { retired: true } ? never : K;
}[keyof Calendar];

const dates = (id: string): RuntimeDates | undefined =>
  (RUNTIME_CALENDAR as Record<string, RuntimeDates>)[id];

/** Runtimes with no deprecation date, or one still to come: what the error lists as valid. */
export function supportedRuntimes(today: string): string[] {
  return Object.entries(RUNTIME_CALENDAR as Record<string, RuntimeDates>)
    .filter(([, d]) => !d.retired && (d.deprecated === undefined || d.deprecated > today))
    .map(([id]) => id);
}

export type RuntimeStatus = 'supported' | 'deprecated' | 'retired' | 'unknown';

/** `today`: YYYY-MM-DD (UTC). */
export function runtimeStatus(id: string, today = isoDay(Date.now())): RuntimeStatus {
  const d = dates(id);
  if (!d) return 'unknown';
  if (d.retired) return 'retired';
  return d.deprecated !== undefined && d.deprecated <= today ? 'deprecated' : 'supported';
}

export function isoDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * The dates that concern a release, in words: "`nodejs20.x` was deprecated on 2026-04-30;
 * Lambda blocks creating functions on it from 2027-02-01 and updates from 2027-03-03 (...)".
 * Undefined for a runtime with no deprecation date, or one more than 180 days away.
 */
export function runtimeWarning(id: string, today = isoDay(Date.now())): string | undefined {
  const d = dates(id);
  if (!d || d.retired || d.deprecated === undefined) return undefined;
  if (daysBetween(today, d.deprecated) > 180) return undefined;
  const when = (date: string, past: string, future: string) =>
    date <= today ? `${past} ${date}` : `${future} ${date}`;
  const parts = [when(d.deprecated, 'was deprecated on', 'is deprecated from')];
  const blocks = [
    d.blockCreate &&
      when(d.blockCreate, 'creating functions on it since', 'creating functions on it from'),
    d.blockUpdate && when(d.blockUpdate, 'updates since', 'updates from'),
  ].filter((x) => x);
  const lambda =
    blocks.length > 0
      ? `Lambda blocks ${blocks.join(' and ')}`
      : 'Lambda blocks creating and then updating functions on it on dates it publishes';
  return `\`${id}\` ${parts[0]}; ${lambda} (${d.source}; AWS moves these dates: check the Lambda runtimes page). Move the function to a supported runtime (\`runtime\`).`;
}

function daysBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 86_400_000;
}

/** The valid forms, for an error. */
export function runtimeForms(today = isoDay(Date.now())): string {
  return `Valid: a Lambda runtime identifier: ${supportedRuntimes(today)
    .map((r) => `\`${r}\``)
    .join(', ')}.`;
}
