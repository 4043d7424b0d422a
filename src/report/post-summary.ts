// The post step's job summary, written when the main step left its release unfinished (killed,
// the runner lost, or a stop that failed): what the post step found of this run's deployment
// and what it did, from what it read. A pure rendering; every string from inputs or AWS escaped once.
import { aliasUrl, deploymentUrl } from '../aws/console.ts';
import type { AliasState } from '../release/result.ts';
import { escapeMarkdown, inlineCode, toSingleLine, truncate } from './escape.ts';
import { aliasStateMarkdown } from './headline.ts';
import { renderMessage } from './message.ts';

export interface PostReport {
  region: string;
  functionName: string;
  alias: string;
  /** What the post step found and did. */
  kind: 'no-deployment' | 'ended' | 'stopped' | 'left' | 'unchecked' | 'returned';
  deploymentId?: string;
  /** CodeDeploy's status as the post step read it. */
  status?: string;
  /** The alias as read last; null when it does not exist, absent when not read. */
  aliasNow?: AliasState | null;
  /** stopped: the alias was confirmed wholly on `previous`. */
  restored?: boolean;
  previous?: string;
  /** unchecked: why (an AWS error, worded). */
  problem?: string;
  /** returned: the version an earlier wave of this release had put the alias on. */
  released?: string;
  /** returned: why the alias was left where it is, when it was. */
  left?: string;
  /** no-deployment: the release moves the alias itself (`strategy: direct`), no search made. */
  direct?: boolean;
}

const name = (s: string) => inlineCode(truncate(toSingleLine(s), 120));
const version = (v: string) => `v${escapeMarkdown(truncate(v, 60))}`;
const aliasNow = (a: AliasState | null | undefined) =>
  a === undefined ? undefined : a === null ? 'missing' : aliasStateMarkdown(a);

function head(r: PostReport): { line: string; sentence: string } {
  const id = r.deploymentId ? name(r.deploymentId) : '';
  const alias = name(r.alias);
  const now = aliasNow(r.aliasNow);
  const onNow = now ? ` Alias ${alias} is on ${now}.` : '';
  switch (r.kind) {
    case 'no-deployment':
      return r.direct
        ? {
            line: 'ℹ️ Post step: no deployment to stop',
            sentence: `This release moves the alias itself (\`strategy: direct\`): after the release step there was no deployment to stop, and the post step changed nothing.${onNow}`,
          }
        : {
            line: '⚠️ Post step: no deployment of this run found',
            sentence: `After the release step, no CodeDeploy deployment of this run was found; the post step changed nothing.${onNow}`,
          };
    case 'ended':
      return {
        line: `ℹ️ Post step: deployment ${id} had ended ${escapeMarkdown(r.status ?? '')}`,
        sentence: `The post step found the deployment ended and changed nothing.${onNow}`,
      };
    case 'left':
      return {
        line: `⚠️ Left running — deployment ${id} is still ${escapeMarkdown(r.status ?? '')}`,
        sentence: `The deployment was still running after the release step; \`on-cancel: leave\` leaves it to finish.${onNow}`,
      };
    case 'stopped': {
      const found = `Deployment ${id} was still ${escapeMarkdown(r.status ?? 'running')} after the release step; the post step stopped it with rollback`;
      return r.restored && r.previous
        ? {
            line: `⏹️ Stopped by the post step — alias ${alias} is back on ${version(r.previous)}`,
            sentence: `${found} and read the alias back.`,
          }
        : {
            line: `⚠️ Stopped by the post step — alias ${alias} is on ${now ?? 'an unknown state'}${r.previous ? `, not wholly on ${version(r.previous)}` : ''}`,
            sentence: `${found}, but the alias is not back. Point it at one version before the next release.`,
          };
    }
    case 'returned':
      return r.restored && r.previous
        ? {
            line: `↩️ Returned by the post step — alias ${alias} is back on ${version(r.previous)}`,
            sentence: `The release step ended before the release did; this release had moved the alias to ${version(r.released ?? '?')}, and the post step pointed it back (one fate).`,
          }
        : {
            line: `⚠️ Post step left alias ${alias} on ${now ?? 'an unknown state'}`,
            sentence: escapeMarkdown(r.left ?? 'The post step could not return the alias.'),
          };
    case 'unchecked':
      return {
        line: id
          ? `⚠️ Post step could not check deployment ${id}`
          : "⚠️ Post step could not look for this run's deployment",
        sentence: renderMessage(r.problem ?? 'The post step could not read CodeDeploy.', 1_000),
      };
  }
}

export function renderPostSummary(r: PostReport): string {
  const { line, sentence } = head(r);
  const fn = `[${escapeMarkdown(truncate(r.functionName, 120))}](${aliasUrl(r.region, r.functionName, r.alias)})`;
  const rows = [
    ['Function', fn],
    ['Alias', name(r.alias)],
    ...(r.deploymentId
      ? [['Deployment', `[${name(r.deploymentId)}](${deploymentUrl(r.region, r.deploymentId)})`]]
      : []),
    ...(r.status ? [['Status when found', escapeMarkdown(r.status)]] : []),
    ...(r.aliasNow !== undefined ? [['Alias now', aliasNow(r.aliasNow)!]] : []),
    ['Region', name(r.region)],
  ];
  return [
    `### ${line}`,
    '',
    `**${sentence}**`,
    '',
    '| Fact | Value |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ].join('\n');
}
