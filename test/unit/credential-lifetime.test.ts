// The preflight warning for session credentials that would expire during the release.
import { describe, expect, it } from 'vitest';
import {
  credentialLifetimeWarning,
  sessionSecondsNeeded,
} from '../../src/aws/credential-lifetime.ts';

const minutes = (n: number) => n * 60_000;
const session = { AWS_ACCESS_KEY_ID: 'ASIAX', AWS_SESSION_TOKEN: 'token' };

describe('credentialLifetimeWarning', () => {
  it('warns about environment session credentials for a release over 55 minutes, with both fixes', () => {
    const text = credentialLifetimeWarning(session, minutes(90), false);
    expect(text).toContain('about 90 minutes');
    expect(text).toContain('AWS_SESSION_TOKEN');
    expect(text).toContain('ExpiredTokenException');
    expect(text).toContain('set `role-to-assume` on this action');
    expect(text).toContain('`role-duration-seconds: 6000` on configure-aws-credentials');
  });

  it('stays quiet when it does not apply', () => {
    expect(credentialLifetimeWarning(session, minutes(55), false)).toBeUndefined();
    expect(credentialLifetimeWarning(session, minutes(90), true)).toBeUndefined();
    expect(
      credentialLifetimeWarning({ AWS_ACCESS_KEY_ID: 'AKIAX' }, minutes(90), false),
    ).toBeUndefined();
  });

  it('offers only role-to-assume when no role session can last the release', () => {
    const text = credentialLifetimeWarning(session, minutes(13 * 60), false);
    expect(text).toContain('43200 seconds at most');
    expect(text).toContain('role-to-assume');
    expect(text).not.toContain('role-duration-seconds:');
  });
});

describe('sessionSecondsNeeded', () => {
  it('adds 10 minutes and rounds up to 5 minutes, never below the 3600 default', () => {
    expect(sessionSecondsNeeded(minutes(56))).toBe(4200);
    expect(sessionSecondsNeeded(minutes(90))).toBe(6000);
    expect(sessionSecondsNeeded(minutes(91))).toBe(6300);
    expect(sessionSecondsNeeded(minutes(10))).toBe(3600);
  });
});
