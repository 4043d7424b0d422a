// The error annotation, read as a person reads it: each fact once, true to where traffic is,
// and CodeDeploy's words kept apart from the action's own.
import { describe, expect, it } from 'vitest';
import { failureMessage } from '../../src/report/failure.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { alarmStop, busyGroup, cancelled, hookFailure } from '../fixtures/outcomes.ts';

describe('failureMessage', () => {
  it('a cancel whose cause says where traffic is does not say it again', () => {
    const message = failureMessage(cancelled);
    expect(message).toContain('alias live is back on version 7.');
    expect(message.match(/back on (the previous )?version 7/g)).toHaveLength(1);
  });

  it('a failed BeforeAllowTraffic hook: traffic stays on the previous version, never "back"', () => {
    const message = failureMessage(hookFailure);
    expect(message).toContain('Traffic stays on the previous version 7.');
    expect(message).not.toMatch(/back on/);
  });

  it('a busy group that already split the alias: the split, never "still on version 7"', () => {
    const split = { ...busyGroup, finalAlias: { version: '7', weights: { '8': 0.1 } } };
    const message = failureMessage(split);
    expect(message).not.toContain('still on version');
    expect(message).toContain(
      'No traffic moved by this release: alias live is on 90% v7, 10% v8, as read before it.',
    );
    expect(failureMessage(busyGroup)).toContain(
      'No traffic moved: alias live is still on version 7.',
    );
  });

  it("ends CodeDeploy's message with a stop before the next sentence", () => {
    // CodeDeploy's ALARM_ACTIVE message ends "Activated alarms: <name>", with no stop.
    expect(failureMessage(alarmStop)).toContain(
      'Activated alarms: <orders-5xx>. Traffic is back on the previous version 7.',
    );
  });

  it('a metric gate: its sentence in the annotation, not in "CodeDeploy said"', () => {
    const gate =
      "Metric gate `error-rate < 1%` stopped it: the new version's error-rate was 19.6% against a threshold of 1%.";
    const r = { ...alarmStop, cause: { ...alarmStop.cause!, gate } };
    expect(failureMessage(r)).toContain(`<orders-5xx>. ${gate} Traffic is back`);
    const said = renderSummary(r)
      .split('\n')
      .find((l) => l.startsWith('| CodeDeploy said |'));
    expect(said).toContain('Activated alarms:');
    expect(said).not.toContain('Metric gate');
  });
});
