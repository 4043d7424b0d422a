// What each function State means to the release's waits (src/release/states.ts): every State
// of the installed SDK's model is classified on purpose, and a state added later is never
// taken for ready.
import { State } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import {
  describeState,
  latestMeaning,
  stateWords,
  versionMeaning,
} from '../../src/release/states.ts';

describe('function states', () => {
  it("classifies every State of the installed SDK's model on purpose", () => {
    for (const state of Object.values(State)) {
      expect(latestMeaning(state), `$LATEST ${state}`).not.toBe('unknown');
      expect(versionMeaning(state), `version ${state}`).not.toBe('unknown');
    }
  });

  it('takes ActiveNonInvocable as ready for $LATEST only: a version must be Active', () => {
    expect(latestMeaning('ActiveNonInvocable')).toBe('ready');
    expect(versionMeaning('ActiveNonInvocable')).toBe('passing');
    expect(versionMeaning('Active')).toBe('ready');
    expect(versionMeaning('Pending')).toBe('passing');
  });

  it('refuses Failed and Deleting, and never takes an unknown state for ready', () => {
    for (const meaning of [latestMeaning, versionMeaning]) {
      expect(meaning('Failed')).toBe('final');
      expect(meaning('Deleting')).toBe('final');
      expect(meaning('Quiescing')).toBe('unknown');
    }
  });

  it('names the state with its reason code and reason, and says when it is unknown', () => {
    const s = {
      arn: '',
      version: '3',
      codeSha256: '',
      revisionId: '',
      state: 'Pending',
      stateReasonCode: 'Creating',
      stateReason: 'The function is being created.',
    };
    expect(describeState(s)).toBe('Pending (Creating: The function is being created.)');
    expect(stateWords({ ...s, state: 'Quiescing' }, 'unknown')).toBe(
      'Quiescing (Creating: The function is being created.), a state this action does not know and never takes for ready',
    );
  });
});
