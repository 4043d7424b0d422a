// The function's configuration ("the whole version"): inputs → desired → plan. Pure, no I/O.
export { type ConfigChange, type ConfigPlan, describeChanges, diffConfig } from './diff.ts';
export { type ParseOptions, parseFunctionConfig } from './parse.ts';
export { environmentSecrets } from './secrets.ts';
export type * from './types.ts';
