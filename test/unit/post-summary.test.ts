// The post step's summary: what it found and did, as it read it; escaped.
import { describe, expect, it } from 'vitest';
import { type PostReport, renderPostSummary } from '../../src/report/post-summary.ts';

const base = { region: 'us-east-1', functionName: 'orders', alias: 'live' } as const;

describe('renderPostSummary', () => {
  it('a stopped deployment with the alias back says so, with the deployment linked', () => {
    const md = renderPostSummary({
      ...base,
      kind: 'stopped',
      deploymentId: 'd-ABCDEFGHI',
      status: 'InProgress',
      aliasNow: { version: '1', weights: {} },
      restored: true,
      previous: '1',
    });
    expect(md).toMatch(/^### ⏹️ Stopped by the post step — alias `live` is back on v1\n/);
    expect(md).toContain(
      'was still InProgress after the release step; the post step stopped it with rollback',
    );
    expect(md).toContain('/codesuite/codedeploy/deployments/d-ABCDEFGHI');
    expect(md).toContain('| Alias now | v1 |');
  });

  it('a stop that left the alias split names where it is and what to do', () => {
    const md = renderPostSummary({
      ...base,
      kind: 'stopped',
      deploymentId: 'd-ABCDEFGHI',
      status: 'InProgress',
      aliasNow: { version: '1', weights: { '2': 0.1 } },
      restored: false,
      previous: '1',
    });
    expect(md).toMatch(
      /^### ⚠️ Stopped by the post step — alias `live` is on .*v1.*v2.*, not wholly on v1/,
    );
    expect(md).toContain('Point it at one version before the next release.');
  });

  it.each<[PostReport['kind'], Partial<PostReport>, RegExp]>([
    [
      'ended',
      { deploymentId: 'd-1', status: 'Succeeded', aliasNow: { version: '2', weights: {} } },
      /^### ℹ️ Post step: deployment `d-1` had ended Succeeded/,
    ],
    [
      'left',
      { deploymentId: 'd-1', status: 'InProgress' },
      /^### ⚠️ Left running — deployment `d-1` is still InProgress/,
    ],
    [
      'no-deployment',
      { aliasNow: { version: '1', weights: {} } },
      /^### ⚠️ Post step: no deployment of this run found[\s\S]*Alias `live` is on v1/,
    ],
    [
      'unchecked',
      { problem: 'CodeDeploy ListDeployments: AccessDeniedException' },
      /^### ⚠️ Post step could not look for this run's deployment/,
    ],
  ])('%s', (kind, extra, expected) => {
    expect(renderPostSummary({ ...base, kind, ...extra })).toMatch(expected);
  });

  it('escapes what came from inputs and AWS', () => {
    const md = renderPostSummary({
      ...base,
      functionName: 'or*ders_[x]',
      kind: 'ended',
      deploymentId: 'd-1',
      status: 'Failed <b>',
    });
    expect(md).toContain('or\\*ders\\_\\[x\\]');
    expect(md).not.toContain('<b>');
  });
});
