// AWS console URLs for what the action touches, in the right partition.
import { functionNameOf } from '../settings/index.ts';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The console host of the partition the region is in. */
export function consoleHost(region: string): string {
  if (region.startsWith('cn-')) return 'console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'console.amazonaws-us-gov.com';
  return 'console.aws.amazon.com';
}

/** `https://<region>.<host>`; a malformed region is left out of the host (it stays in the query). */
function consoleBase(region: string): string {
  const host = consoleHost(region);
  return REGION.test(region) ? `https://${region}.${host}` : `https://${host}`;
}

/**
 * encodeURIComponent, plus the characters it leaves alone that still mean something in a
 * Markdown link destination or a console route (`( ) ! ' *`).
 */
export function encodePart(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The CodeDeploy console page of a deployment. */
export function deploymentUrl(region: string, deploymentId: string): string {
  return `${consoleBase(region)}/codesuite/codedeploy/deployments/${encodePart(deploymentId)}?region=${encodePart(region)}`;
}

/** The Lambda console page of a function's alias. `functionName` may be an ARN. */
export function aliasUrl(region: string, functionName: string, alias: string): string {
  const name = encodePart(functionNameOf(functionName));
  return `${consoleBase(region)}/lambda/home?region=${encodePart(region)}#/functions/${name}/aliases/${encodePart(alias)}`;
}

/** The Lambda console page of one published version of a function. */
export function versionUrl(region: string, functionName: string, version: string): string {
  const name = encodePart(functionNameOf(functionName));
  return `${consoleBase(region)}/lambda/home?region=${encodePart(region)}#/functions/${name}/versions/${encodePart(version)}`;
}

/**
 * The page a job's `environment.url` (output `deployment-url`) and a GitHub deployment link
 * to: the CodeDeploy deployment when one ran, the alias otherwise.
 */
export function releaseUrl(r: {
  region: string;
  functionName: string;
  alias: string;
  deploymentId?: string | undefined;
}): string {
  return r.deploymentId
    ? deploymentUrl(r.region, r.deploymentId)
    : aliasUrl(r.region, r.functionName, r.alias);
}

/** The CloudWatch console page of an alarm. */
export function alarmUrl(region: string, alarm: string): string {
  return `${consoleBase(region)}/cloudwatch/home?region=${encodePart(region)}#alarmsV2:alarm/${encodePart(alarm)}`;
}

/** The CloudWatch Logs console page of a function's log group (`/aws/lambda/<name>`). */
export function logGroupUrl(region: string, functionName: string): string {
  // The console's route wants the group name percent-encoded twice, `%` written as `$25`.
  const group = encodePart(encodePart(`/aws/lambda/${functionNameOf(functionName)}`)).replace(
    /%/g,
    '$',
  );
  return `${consoleBase(region)}/cloudwatch/home?region=${encodePart(region)}#logsV2:log-groups/log-group/${group}`;
}

/** True for a URL into an AWS console, as this file makes them. */
export function isConsoleUrl(url: string): boolean {
  return /^https:\/\/([a-z0-9-]+\.)?console\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\/[^\s<>()`|\\]*$/.test(
    url,
  );
}
