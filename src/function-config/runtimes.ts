// Runtime identifiers. The accepted set is the installed SDK's Runtime enum (the API model) minus
// the runtimes Lambda has retired for good; a unit test keeps this list equal to the enum.
// See docs/aws-semantics.md "Runtimes".

/** Lambda's current runtimes. */
export const SUPPORTED_RUNTIMES = [
  'nodejs18.x',
  'nodejs20.x',
  'nodejs22.x',
  'nodejs24.x',
  'nodejs26.x',
  'python3.9',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
  'python3.14',
  'python3.15',
  'java8.al2',
  'java8.al2023',
  'java11',
  'java11.al2023',
  'java17',
  'java17.al2023',
  'java21',
  'java25',
  'dotnet8',
  'dotnet10',
  'ruby3.2',
  'ruby3.3',
  'ruby3.4',
  'ruby4.0',
  'provided.al2',
  'provided.al2023',
] as const;

/**
 * Deprecated but possibly still accepted: Lambda blocks creating, then updating, functions on
 * dates it moves; the action lets Lambda decide and warns.
 */
export const DEPRECATED_RUNTIMES = [
  'nodejs14.x',
  'nodejs16.x',
  'python3.7',
  'python3.8',
  'java8',
  'dotnet6',
  'go1.x',
  'provided',
  'ruby2.7',
] as const;

/** Blocked for both create and update long ago: every call with them fails. */
export const RETIRED_RUNTIMES = [
  'nodejs',
  'nodejs4.3',
  'nodejs4.3-edge',
  'nodejs6.10',
  'nodejs8.10',
  'nodejs10.x',
  'nodejs12.x',
  'python2.7',
  'python3.6',
  'dotnetcore1.0',
  'dotnetcore2.0',
  'dotnetcore2.1',
  'dotnetcore3.1',
  'ruby2.5',
] as const;

export type Runtime = (typeof SUPPORTED_RUNTIMES)[number] | (typeof DEPRECATED_RUNTIMES)[number];

export type RuntimeStatus = 'supported' | 'deprecated' | 'retired' | 'unknown';

export function runtimeStatus(id: string): RuntimeStatus {
  if ((SUPPORTED_RUNTIMES as readonly string[]).includes(id)) return 'supported';
  if ((DEPRECATED_RUNTIMES as readonly string[]).includes(id)) return 'deprecated';
  if ((RETIRED_RUNTIMES as readonly string[]).includes(id)) return 'retired';
  return 'unknown';
}

export const RUNTIME_FORMS = `Valid: a Lambda runtime identifier: ${SUPPORTED_RUNTIMES.map((r) => `\`${r}\``).join(', ')}.`;
