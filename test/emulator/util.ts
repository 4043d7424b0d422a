// Shared helpers of the emulator: the API error type, hashing, ids and time formats.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * An error the emulator answers with, as the service would send it. Each service module
 * renders it in its own wire form (Lambda: X-Amzn-ErrorType + {"Type","message"};
 * CodeDeploy: 400 + {"__type","message"}).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    message: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
    this.status = status;
    this.code = code;
    this.extra = extra;
    this.headers = headers;
  }
}

/**
 * IAM's refusal as the services word it (an identity policy without the action); the caller
 * is the emulator's fixed role session.
 */
export function accessDeniedMessage(action: string, resource: string): string {
  return `User: arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}

/** base64 of the SHA-256 of the bytes: Lambda's CodeSha256. */
export function sha256Base64(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

/** lowercase hex SHA-256: CodeDeploy's appSpecContent.sha256. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function uuid(): string {
  return randomUUID();
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A CodeDeploy deployment id: `d-` and 9 characters of [A-Z0-9] (e.g. d-9Y84SF70K). */
export function deploymentId(): string {
  const bytes = randomBytes(9);
  let s = 'd-';
  for (const b of bytes) s += ID_CHARS[b % ID_CHARS.length];
  return s;
}

/** A deterministic uuid-shaped id derived from a name (for the predefined configs). */
export function stableUuid(name: string): string {
  const h = sha256Hex(name);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Lambda's LastModified: `2019-08-14T22:26:11.234+0000`. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** CodeDeploy timestamps: epoch seconds with a fraction. */
export function epochSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Case-insensitive lookup of a key in a parsed document. */
export function getCi(obj: Record<string, unknown>, key: string): unknown {
  if (key in obj) return obj[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function deepCopy<T>(v: T): T {
  return structuredClone(v);
}
