// S3 buckets and objects in memory. Buckets are made through the control API (the action
// never creates one); a versioned bucket keeps every version, newest last.
import { createHash, randomBytes } from 'node:crypto';
import type { Checksums } from './checksums.ts';
import { noSuchBucket, noSuchKey, noSuchVersion } from './errors.ts';

/** An object as the control API shows it; `sha256` is base64, as Lambda's CodeSha256. */
export interface S3ObjectView {
  size: number;
  sha256: string;
  versionId?: string;
  metadata: Record<string, string>;
  versions: number;
}

export interface BucketSpec {
  name: string;
  region?: string;
  versioning?: boolean;
}

export interface StoredObject {
  data: Buffer;
  /** Quoted MD5 hex, as S3 sends it for a single-part upload. */
  etag: string;
  /** undefined in an unversioned bucket (S3 calls that version "null"). */
  versionId?: string;
  /** Emulated epoch ms. */
  lastModified: number;
  contentType: string;
  metadata: Record<string, string>;
  checksums: Checksums;
}

interface Bucket {
  name: string;
  region: string;
  versioning: boolean;
  objects: Map<string, StoredObject[]>;
}

export interface PutInput {
  data: Buffer;
  contentType?: string;
  metadata?: Record<string, string>;
  checksums?: Checksums;
}

export class S3Model {
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(now: () => number) {
    this.#now = now;
  }

  reset(): void {
    this.#buckets.clear();
  }

  createBucket(spec: BucketSpec): void {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(spec.name)) {
      throw new Error(`invalid bucket name: ${spec.name}`);
    }
    this.#buckets.set(spec.name, {
      name: spec.name,
      region: spec.region ?? 'us-east-1',
      versioning: spec.versioning ?? false,
      objects: new Map(),
    });
  }

  hasBucket(name: string): boolean {
    return this.#buckets.has(name);
  }

  bucketRegion(name: string): string | undefined {
    return this.#buckets.get(name)?.region;
  }

  put(bucket: string, key: string, input: PutInput): StoredObject {
    const b = this.#bucket(bucket);
    const object: StoredObject = {
      data: input.data,
      etag: `"${createHash('md5').update(input.data).digest('hex')}"`,
      ...(b.versioning ? { versionId: randomBytes(24).toString('base64url') } : {}),
      lastModified: this.#now(),
      contentType: input.contentType ?? 'binary/octet-stream',
      metadata: { ...(input.metadata ?? {}) },
      checksums: { ...(input.checksums ?? {}) },
    };
    const versions = b.versioning ? [...(b.objects.get(key) ?? []), object] : [object];
    b.objects.set(key, versions);
    return object;
  }

  /** The object (its newest version unless one is named); NoSuchBucket/NoSuchKey/NoSuchVersion. */
  head(bucket: string, key: string, versionId?: string): StoredObject {
    const versions = this.#bucket(bucket).objects.get(key);
    if (!versions || versions.length === 0) throw noSuchKey(key);
    if (versionId === undefined) return versions[versions.length - 1] as StoredObject;
    const found = versions.find((v) => (v.versionId ?? 'null') === versionId);
    if (!found) throw noSuchVersion(key, versionId);
    return found;
  }

  /** The bytes of an object, or undefined: what Lambda reads for S3Bucket/S3Key/S3ObjectVersion. */
  getObject(bucket: string, key: string, versionId?: string): Buffer | undefined {
    try {
      return this.head(bucket, key, versionId).data;
    } catch {
      return undefined;
    }
  }

  /** The newest version of an object as tests see it, or undefined (no bucket, no key). */
  view(bucket: string, key: string): S3ObjectView | undefined {
    const versions = this.#buckets.get(bucket)?.objects.get(key);
    const o = versions?.at(-1);
    if (!o) return undefined;
    return {
      size: o.data.length,
      sha256: createHash('sha256').update(o.data).digest('base64'),
      ...(o.versionId !== undefined ? { versionId: o.versionId } : {}),
      metadata: { ...o.metadata },
      versions: versions!.length,
    };
  }

  #bucket(name: string): Bucket {
    const b = this.#buckets.get(name);
    if (!b) throw noSuchBucket(name);
    return b;
  }
}
