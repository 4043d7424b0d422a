import { describe, expect, it } from 'vitest';
import {
  aliasUrl,
  consoleHost,
  deploymentUrl,
  encodePart,
  versionUrl,
} from '../../src/aws/console.ts';
import { functionNameOf } from '../../src/settings/index.ts';

describe('console links', () => {
  it('links a deployment in the commercial partition', () => {
    expect(deploymentUrl('eu-west-1', 'd-ABCDEF123')).toBe(
      'https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-ABCDEF123?region=eu-west-1',
    );
  });

  it('links an alias', () => {
    expect(aliasUrl('us-east-1', 'my-fn', 'live')).toBe(
      'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/my-fn/aliases/live',
    );
  });

  it('uses the China and GovCloud consoles', () => {
    expect(consoleHost('cn-north-1')).toBe('console.amazonaws.cn');
    expect(consoleHost('us-gov-west-1')).toBe('console.amazonaws-us-gov.com');
    expect(deploymentUrl('cn-northwest-1', 'd-1')).toBe(
      'https://cn-northwest-1.console.amazonaws.cn/codesuite/codedeploy/deployments/d-1?region=cn-northwest-1',
    );
    expect(aliasUrl('us-gov-east-1', 'f', 'a')).toBe(
      'https://us-gov-east-1.console.amazonaws-us-gov.com/lambda/home?region=us-gov-east-1#/functions/f/aliases/a',
    );
  });

  it('takes the function name out of an ARN', () => {
    expect(functionNameOf('arn:aws:lambda:us-east-1:123456789012:function:my-fn')).toBe('my-fn');
    expect(functionNameOf('arn:aws:lambda:us-east-1:123456789012:function:my-fn:live')).toBe(
      'my-fn',
    );
    expect(functionNameOf('123456789012:function:my-fn')).toBe('my-fn');
    expect(functionNameOf('my-fn')).toBe('my-fn');
    expect(aliasUrl('us-east-1', 'arn:aws:lambda:us-east-1:1:function:f', 'live')).toContain(
      '#/functions/f/aliases/live',
    );
  });

  it('URL-encodes path parts', () => {
    expect(encodePart("a b/c?d#e(f)!'*")).toBe('a%20b%2Fc%3Fd%23e%28f%29%21%27%2A');
    expect(aliasUrl('us-east-1', 'f', 'a/../b c')).toBe(
      'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/f/aliases/a%2F..%2Fb%20c',
    );
    expect(deploymentUrl('us-east-1', 'd-1)](javascript:x')).not.toMatch(/[()[\] ]/);
    expect(versionUrl('us-east-1', 'f', '8')).toBe(
      'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/f/versions/8',
    );
  });

  it('keeps a malformed region out of the host', () => {
    const url = deploymentUrl('evil.example.com/x', 'd-1');
    expect(new URL(url).host).toBe('console.aws.amazon.com');
  });
});
