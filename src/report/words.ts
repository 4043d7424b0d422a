// What the release is about, in words: the code source and the strategy as a person reads
// them. Pure, over settings only (never over what the release found), so words flow out of
// settings and nothing flows back from the report into the release.
import type { Source } from '../settings/index.ts';
import { describeRouting, type Strategy } from '../strategy.ts';

export function sourceWords(s: Source): string {
  switch (s.kind) {
    case 'latest':
      return '$LATEST as it stands';
    case 'zip-file':
      return `zip file ${s.given}`;
    case 'code-dir':
      return `directory ${s.given}`;
    case 's3':
      return `s3://${s.bucket}/${s.key}${s.objectVersion ? ` (version ${s.objectVersion})` : ''}`;
    case 'image':
      return `image ${s.uri}`;
    case 'version':
      return `version ${s.version}`;
    case 'from-alias':
      return `the version alias ${s.alias} points at`;
  }
}

/** The strategy before preflight has read a custom config's routing. */
export function strategyWords(s: Strategy): string {
  if (s.kind === 'direct') return 'direct: the alias moves at once, no CodeDeploy';
  if (s.kind === 'custom') return `custom config ${s.configName}`;
  return describeRouting(s.routing);
}
