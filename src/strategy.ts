// Strategy names and inline forms → CodeDeploy traffic routing and timing.
// Pure: no AWS calls. Whether a custom config exists (and its routing) is checked in preflight.

export type TrafficRouting =
  | { type: 'AllAtOnce' }
  | { type: 'TimeBasedCanary'; percentage: number; intervalMinutes: number }
  | { type: 'TimeBasedLinear'; percentage: number; intervalMinutes: number };

export type Strategy =
  /** Move the alias with one UpdateAlias/CreateAlias; no CodeDeploy. */
  | { kind: 'direct'; input: string }
  /** One of the nine CodeDeployDefault.Lambda* configs (also what inline `all-at-once` becomes). */
  | { kind: 'predefined'; input: string; configName: string; routing: TrafficRouting }
  /** Inline `canary 25% 15m` / `linear 20% 2m`: find a custom config with this routing, else create `configName`. */
  | { kind: 'inline'; input: string; configName: string; routing: TrafficRouting }
  /** The name of an existing custom Lambda deployment config; its routing is read in preflight. */
  | { kind: 'custom'; input: string; configName: string };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** CodeDeploy: at most 99% per increment. */
export const MAX_PERCENT = 99;
/** CodeDeploy: at most 2880 minutes (48 h) between the first and the last traffic shift. */
export const MAX_SHIFT_MINUTES = 2880;
/** CodeDeploy deployment config names: 1–100 of these characters. */
export const CONFIG_NAME_PATTERN = /^[A-Za-z0-9._+=,@-]{1,100}$/;
/** Reserved for AWS's own configs; custom configs may not use it. */
export const PREDEFINED_PREFIX = 'CodeDeployDefault.';
/** Prefix of the custom configs the action creates for inline strategies. */
export const INLINE_CONFIG_PREFIX = 'GatedRelease.';

/** The nine predefined Lambda configs, short name → routing. The full name is `CodeDeployDefault.Lambda<short>`. */
export interface PredefinedConfig {
  /** e.g. `Canary10Percent5Minutes` */
  short: string;
  /** e.g. `CodeDeployDefault.LambdaCanary10Percent5Minutes` */
  configName: string;
  routing: TrafficRouting;
}

const PREDEFINED: PredefinedConfig[] = [
  canary(10, 5),
  canary(10, 10),
  canary(10, 15),
  canary(10, 30),
  linear(10, 1),
  linear(10, 2),
  linear(10, 3),
  linear(10, 10),
  {
    short: 'AllAtOnce',
    configName: `${PREDEFINED_PREFIX}LambdaAllAtOnce`,
    routing: { type: 'AllAtOnce' },
  },
];
export const PREDEFINED_CONFIGS: readonly Readonly<PredefinedConfig>[] = PREDEFINED;

function canary(percentage: number, intervalMinutes: number): PredefinedConfig {
  const short = `Canary${percentage}Percent${minutesWord(intervalMinutes)}`;
  const routing: TrafficRouting = { type: 'TimeBasedCanary', percentage, intervalMinutes };
  return { short, configName: `${PREDEFINED_PREFIX}Lambda${short}`, routing };
}

function linear(percentage: number, intervalMinutes: number): PredefinedConfig {
  const short = `Linear${percentage}PercentEvery${minutesWord(intervalMinutes)}`;
  const routing: TrafficRouting = { type: 'TimeBasedLinear', percentage, intervalMinutes };
  return { short, configName: `${PREDEFINED_PREFIX}Lambda${short}`, routing };
}

/** `1Minute`, `5Minutes`: the way CodeDeploy spells intervals in config names. */
function minutesWord(n: number): string {
  return n === 1 ? `${n}Minute` : `${n}Minutes`;
}

/** The list of valid forms that ends every strategy error. */
export const STRATEGY_FORMS =
  'Valid strategies: a predefined Lambda config (' +
  PREDEFINED_CONFIGS.map((c) => c.short).join(', ') +
  '; each also as `Lambda<Name>` or `CodeDeployDefault.Lambda<Name>`, any case); ' +
  'an inline form `canary <percent>% <minutes>m` or `linear <percent>% <minutes>m` ' +
  `(percent a whole number 1-${MAX_PERCENT}, interval 1-${MAX_SHIFT_MINUTES} minutes, e.g. \`canary 25% 15m\`, \`linear 20% 2m\`); ` +
  '`all-at-once`; `direct` (move the alias at once, no CodeDeploy); ' +
  'or the name of an existing custom Lambda deployment config.';

function fail(error: string): ParseResult<Strategy> {
  return { ok: false, error: `${error} ${STRATEGY_FORMS}` };
}

/** Strips `CodeDeployDefault.` and `Lambda` prefixes and the plural `s`, lower-cased: the key for predefined lookup. */
function predefinedKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/^codedeploydefault\./, '')
    .replace(/^lambda/, '')
    .replace(/minutes$/, 'minute');
}

const PREDEFINED_BY_KEY = new Map(PREDEFINED_CONFIGS.map((c) => [predefinedKey(c.short), c]));

// `canary 25% 15m`, `linear 20% every 2 minutes`, `canary 10% 1h`: keyword, percent, interval+unit.
const INLINE =
  /^(canary|linear)\s*(\S*?)\s*(%?)\s*(?:every\s*)?(?:(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*))?$/i;
const MINUTE_UNITS = new Set(['m', 'min', 'mins', 'minute', 'minutes']);
const HOUR_UNITS = new Set(['h', 'hr', 'hrs', 'hour', 'hours']);

/**
 * Parses the `strategy` input. Case-insensitive; an empty string is not defaulted here
 * (settings does that). Inline forms whose routing equals a predefined config become that
 * predefined config, so no custom config is created for them.
 */
export function parseStrategy(raw: string): ParseResult<Strategy> {
  const input = raw.trim().replace(/\s+/g, ' ');
  if (input === '') return fail('The strategy is empty.');
  const lower = input.toLowerCase();

  if (lower === 'direct') return { ok: true, value: { kind: 'direct', input } };

  if (/^all[ _-]?at[ _-]?once$/.test(lower)) {
    return predefinedStrategy(input, PREDEFINED_BY_KEY.get('allatonce')!);
  }

  const predefined = PREDEFINED_BY_KEY.get(predefinedKey(input));
  // Only the documented spellings (optionally prefixed by `Lambda` / `CodeDeployDefault.Lambda`).
  if (predefined && /^(codedeploydefault\.lambda|lambda)?(canary|linear|allatonce)/.test(lower)) {
    return predefinedStrategy(input, predefined);
  }

  // `canary 10% 5m`, `canary10%5m`; but `Canary25Percent45Minutes` may well be a custom config's name.
  if (/^(canary|linear)(\s|.*%)/i.test(input)) return parseInline(input);

  if (lower.startsWith(PREDEFINED_PREFIX.toLowerCase())) {
    const like =
      /^codedeploydefault\.(?:lambda)?(canary|linear)(\d+)percent(?:every)?(\d+)minutes?$/.exec(
        lower,
      );
    const hint = like
      ? ` For that routing, use the inline form \`${like[1]} ${like[2]}% ${like[3]}m\`.`
      : '';
    return fail(
      `\`${input}\` is not one of CodeDeploy's predefined Lambda configs, and the prefix \`CodeDeployDefault.\` is reserved for those.${hint}`,
    );
  }
  if (input.includes('%')) {
    return fail(
      `\`${input}\` looks like an inline strategy but does not start with \`canary\` or \`linear\`.`,
    );
  }
  if (/\s/.test(input)) {
    return fail(
      `\`${input}\` is neither a known strategy nor a valid deployment config name (no spaces allowed).`,
    );
  }
  if (!CONFIG_NAME_PATTERN.test(input)) {
    return fail(
      `\`${input}\` is not a valid deployment config name (1-100 characters from A-Z a-z 0-9 . _ + = , @ -).`,
    );
  }
  return { ok: true, value: { kind: 'custom', input, configName: input } };
}

function parseInline(input: string): ParseResult<Strategy> {
  const m = INLINE.exec(input);
  if (!m) {
    return fail(`\`${input}\` is not a valid inline strategy (expected e.g. \`canary 25% 15m\`).`);
  }
  const kind = m[1]!.toLowerCase() as 'canary' | 'linear';
  const example = kind === 'canary' ? '`canary 25% 15m`' : '`linear 20% 2m`';
  const percentage = inlinePercentage(input, m[2]!, m[3]!, example);
  if (typeof percentage === 'string') return fail(percentage);
  const minutes = inlineMinutes(input, m[4], (m[5] ?? '').toLowerCase(), example);
  if (typeof minutes === 'string') return fail(minutes);

  const routing: TrafficRouting =
    kind === 'canary'
      ? { type: 'TimeBasedCanary', percentage, intervalMinutes: minutes }
      : { type: 'TimeBasedLinear', percentage, intervalMinutes: minutes };
  const total = shiftMinutes(routing);
  if (total > MAX_SHIFT_MINUTES) {
    return fail(
      `\`${input}\`: linear ${percentage}% every ${minutes} minutes shifts traffic for ${total} minutes ` +
        `(its last shift comes ${routingSteps(routing).length - 1} × ${minutes} minutes after the first), over CodeDeploy's limit of ${MAX_SHIFT_MINUTES} minutes ` +
        'between the first and the last shift. Use a larger percentage or a shorter interval.',
    );
  }
  const same = PREDEFINED_CONFIGS.find((c) => sameRouting(c.routing, routing));
  if (same) return predefinedStrategy(input, same);
  return {
    ok: true,
    value: { kind: 'inline', input, configName: inlineConfigName(routing), routing },
  };
}

/** The inline form's percentage, or the problem with it. */
function inlinePercentage(
  input: string,
  pctText: string,
  pctSign: string,
  example: string,
): number | string {
  if (pctText === '') return `\`${input}\` has no percentage (expected e.g. ${example}).`;
  if (!/^\d+(\.\d+)?$/.test(pctText)) {
    return `\`${input}\`: \`${pctText}\` is not a percentage (expected e.g. ${example}).`;
  }
  if (pctSign === '') {
    return `\`${input}\`: the percentage \`${pctText}\` needs a \`%\` sign (expected e.g. ${example}).`;
  }
  const percentage = Number(pctText);
  if (!Number.isInteger(percentage) || percentage < 1 || percentage > MAX_PERCENT) {
    return `\`${input}\`: the percentage must be a whole number from 1 to ${MAX_PERCENT} (CodeDeploy's limit per step), got ${pctText}%.`;
  }
  return percentage;
}

/** The inline form's interval in whole minutes, or the problem with it. */
function inlineMinutes(
  input: string,
  amount: string | undefined,
  unit: string,
  example: string,
): number | string {
  if (amount === undefined) return `\`${input}\` has no interval (expected e.g. ${example}).`;
  let minutes: number;
  if (MINUTE_UNITS.has(unit)) minutes = Number(amount);
  else if (HOUR_UNITS.has(unit)) minutes = Number(amount) * 60;
  else if (unit === '') {
    return `\`${input}\`: the interval \`${amount}\` needs a unit, \`m\` for minutes or \`h\` for hours.`;
  } else {
    return `\`${input}\`: unknown interval unit \`${unit}\` (use \`m\` for minutes or \`h\` for hours).`;
  }
  if (!Number.isInteger(minutes)) {
    return `\`${input}\`: the interval must be a whole number of minutes, got ${amount}${unit}.`;
  }
  if (minutes < 1 || minutes > MAX_SHIFT_MINUTES) {
    return `\`${input}\`: the interval must be 1 to ${MAX_SHIFT_MINUTES} minutes (CodeDeploy's limit), got ${minutes} minutes.`;
  }
  return minutes;
}

function predefinedStrategy(input: string, c: Readonly<PredefinedConfig>): ParseResult<Strategy> {
  return {
    ok: true,
    value: { kind: 'predefined', input, configName: c.configName, routing: { ...c.routing } },
  };
}

/** The deterministic name of the custom config the action creates for an inline routing. */
export function inlineConfigName(routing: TrafficRouting): string {
  switch (routing.type) {
    case 'AllAtOnce':
      return `${INLINE_CONFIG_PREFIX}AllAtOnce`;
    case 'TimeBasedCanary':
      return `${INLINE_CONFIG_PREFIX}Canary${routing.percentage}Percent${minutesWord(routing.intervalMinutes)}`;
    case 'TimeBasedLinear':
      return `${INLINE_CONFIG_PREFIX}Linear${routing.percentage}PercentEvery${minutesWord(routing.intervalMinutes)}`;
  }
}

/** Cumulative % on the new version at each shift, minutes after the first shift. */
export function routingSteps(routing: TrafficRouting): { atMinute: number; percent: number }[] {
  switch (routing.type) {
    case 'AllAtOnce':
      return [{ atMinute: 0, percent: 100 }];
    case 'TimeBasedCanary':
      return [
        { atMinute: 0, percent: routing.percentage },
        { atMinute: routing.intervalMinutes, percent: 100 },
      ];
    case 'TimeBasedLinear': {
      const count = Math.ceil(100 / routing.percentage);
      const steps: { atMinute: number; percent: number }[] = [];
      for (let k = 0; k < count; k++) {
        steps.push({
          atMinute: k * routing.intervalMinutes,
          percent: Math.min(100, (k + 1) * routing.percentage),
        });
      }
      return steps;
    }
  }
}

/** Minutes between the first and the last traffic shift. */
export function shiftMinutes(routing: TrafficRouting): number {
  switch (routing.type) {
    case 'AllAtOnce':
      return 0;
    case 'TimeBasedCanary':
      return routing.intervalMinutes;
    case 'TimeBasedLinear':
      return (Math.ceil(100 / routing.percentage) - 1) * routing.intervalMinutes;
  }
}

function minutesText(n: number): string {
  return n === 1 ? '1 minute' : `${n} minutes`;
}

/** In words, e.g. "canary: 10% for 5 minutes, then 100%". */
export function describeRouting(routing: TrafficRouting): string {
  switch (routing.type) {
    case 'AllAtOnce':
      return 'all at once';
    case 'TimeBasedCanary':
      return `canary: ${routing.percentage}% for ${minutesText(routing.intervalMinutes)}, then 100%`;
    case 'TimeBasedLinear':
      return `linear: +${routing.percentage}% every ${minutesText(routing.intervalMinutes)}, 100% after ${minutesText(shiftMinutes(routing))}`;
  }
}

export function sameRouting(a: TrafficRouting, b: TrafficRouting): boolean {
  if (a.type === 'AllAtOnce' || b.type === 'AllAtOnce') return a.type === b.type;
  return (
    a.type === b.type && a.percentage === b.percentage && a.intervalMinutes === b.intervalMinutes
  );
}

/** Default for `timeout-minutes`: the strategy's shifting time plus room for hooks and CodeDeploy's own steps. */
export function defaultTimeoutMinutes(routing: TrafficRouting, hookCount: number): number {
  // Shifting time, + 10 min for CodeDeploy's own steps (start, rollout, end), + 60 per hook (CodeDeploy waits up to 1 h for each hook's callback).
  return shiftMinutes(routing) + 10 + 60 * Math.max(0, hookCount);
}
