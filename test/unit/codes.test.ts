import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODEDEPLOY_CODES, errorCode, OWN_CODES } from '../../src/report/codes.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every code the source gives a ReleaseError or a cause. */
function codesInSource(): Set<string> {
  const found = new Set<string>();
  for (const file of sources('src')) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /ReleaseError\(\s*'([A-Z0-9_]+)'|\bcode: '([A-Z0-9_]+)'|leftRunning\(\s*\w+,\s*'([A-Z0-9_]+)'/g,
    ))
      found.add((m[1] ?? m[2] ?? m[3])!);
  }
  // The ReleaseError code union names every code a ReleaseError can carry.
  const union = readFileSync('src/release/errors.ts', 'utf8').match(
    /type ReleaseErrorCode =([^;]*);/,
  );
  for (const m of union?.[1]?.matchAll(/'([A-Z0-9_]+)'/g) ?? []) found.add(m[1]!);
  return found;
}

describe('the error code catalogue (README table and summary reasons)', () => {
  it('holds every code the action emits', () => {
    const emitted = codesInSource();
    expect(emitted.size).toBeGreaterThan(20);
    for (const code of emitted) expect(errorCode(code), code).toBeDefined();
  });

  it('holds no own code the action does not emit', () => {
    const emitted = codesInSource();
    for (const c of OWN_CODES) expect(emitted.has(c.code), c.code).toBe(true);
  });

  it('names CodeDeploy codes that exist', async () => {
    const { ErrorCode } = await import('@aws-sdk/client-codedeploy');
    for (const c of CODEDEPLOY_CODES) expect(Object.values(ErrorCode)).toContain(c.code);
  });

  it('every entry says what happened and what to do, and each code once', () => {
    const all = [...OWN_CODES, ...CODEDEPLOY_CODES];
    expect(new Set(all.map((c) => c.code)).size).toBe(all.length);
    for (const c of all) {
      expect(c.reason.length, c.code).toBeGreaterThan(2);
      expect(c.meaning, c.code).toMatch(/\.$/);
      expect(c.fix, c.code).toMatch(/\.$/);
    }
  });
});
