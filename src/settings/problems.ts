// The one collector every parser reports to: all problems are reported at once, each naming
// the input, what was wrong and the valid forms.
import type { Env, InputReader } from './types.ts';

export class SettingsError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs:\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

/** What a parser reads from (inputs, env) and reports its problems to. */
export interface Reader {
  readonly env: Env;
  /** The input, trimmed; '' when not given. */
  get(name: string): string;
  /** A problem with one input; the message starts with the input's name. */
  problem(name: string, text: string): void;
  /** A problem whose text names the inputs itself. */
  add(text: string): void;
  /** Throws one SettingsError with every problem reported, if any was. */
  check(): void;
}

export function reader(input: InputReader, env: Env): Reader {
  const problems: string[] = [];
  return {
    env,
    get: (name) => (input(name) ?? '').trim(),
    problem: (name, text) => problems.push(`\`${name}\`${text.startsWith('`') ? ':' : ''} ${text}`),
    add: (text) => problems.push(text),
    check: () => {
      if (problems.length > 0) throw new SettingsError(problems);
    },
  };
}

/** A value quoted for a message: backticks, one line, at most 80 characters. */
export function show(value: string): string {
  const oneLine = value.replace(/\r?\n/g, '\\n').replace(/`/g, "'");
  return `\`${oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine}\``;
}

export function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
