// The error annotation, read as a person reads it: each fact once, true to where traffic is,
// and CodeDeploy's words kept apart from the action's own.
import { describe, expect, it } from 'vitest';
import { canaryReport } from '../../src/gates/report.ts';
import { failureMessage } from '../../src/report/failure.ts';
import { headline } from '../../src/report/headline.ts';
import { renderSummary } from '../../src/report/summary.ts';
import {
  alarmStop,
  busyGroup,
  cancelled,
  cancelledBeforeDeployment,
  hookFailure,
} from '../fixtures/outcomes.ts';
import { gates } from '../gates-fixtures.ts';

const ALARM = 'lgr-gate/orders-api/live/v8/1-error-rate';

/** alarmStop, stopped by the alarm of the gate `error-rate < 1%` instead. */
function gateStop() {
  const metrics = {
    version: '8',
    requests: 200,
    errors: 40,
    errorRate: 20,
    throttles: 0,
    percentiles: {},
  };
  const canary = canaryReport(
    gates('error-rate < 1%'),
    [ALARM],
    { newVersion: metrics, gateSeries: [{ id: 'g0', timestamps: [0], values: [20] }] },
    { startMs: 0, endMs: 60_000 },
    [ALARM],
  );
  const message = `One or more alarms have been activated. Activated alarms: <${ALARM}>`;
  return { ...alarmStop, canary, cause: { code: 'ALARM_ACTIVE', message, alarms: [ALARM] } };
}

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

  it("a gate's stop is headed by the gate as written, not by the alarm the action named", () => {
    const r = gateStop();
    expect(r.canary.stoppedBy?.gate.text).toBe('error-rate < 1%');
    expect(headline(r)).toBe('Rolled back — metric gate error-rate < 1%: live v7 → v8 → v7');
    expect(renderSummary(r)).toMatch(/^### ↩️ Rolled back — metric gate `error-rate < 1%`: /);
    // Another alarm beside it: the alarms, as CodeDeploy named them.
    const both = { ...r, cause: { ...r.cause, alarms: [ALARM, 'orders-5xx'] } };
    expect(headline(both)).toContain(`alarms ${ALARM} and 1 more`);
  });
});

describe('the Error code row of a cancel', () => {
  it('before any deployment: no claim that a deployment was stopped', () => {
    const row = renderSummary(cancelledBeforeDeployment)
      .split('\n')
      .find((l) => l.startsWith('| Error code |'));
    expect(row).toContain('`CANCELLED`');
    expect(row).not.toMatch(/the deployment was stopped/);
    expect(renderSummary(cancelledBeforeDeployment)).toContain('No deployment had started');
  });
});
