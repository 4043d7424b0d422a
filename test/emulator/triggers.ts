// Someone else acting at a chosen moment: a trigger carries out a control operation (another
// actor's change, as a person or another pipeline makes it through the console or the CLI)
// when a matching AWS call arrives, before it runs or after it ran and before it is
// answered. It changes only what a real actor could change at that moment, so a test can
// place a race exactly instead of hoping a timer lands in the window.
import type { Service } from './registry.ts';

export interface TriggerSpec {
  /** Only calls to this service (default: any). */
  service?: Service;
  /** Only calls of this AWS operation (default: any). */
  operation?: string;
  /** Let this many matching calls pass first (default 0). */
  skip?: number;
  /** Fire this many times (default 1). */
  count?: number;
  /** `before` (default): the call then sees the change; `after`: it ran, its answer is not sent yet. */
  when?: 'before' | 'after';
  /** The control operation to carry out (see README.md), and its arguments (array or named object). */
  op?: string;
  args?: unknown;
  /** In process only: a function to run instead of a control operation. */
  run?: () => void;
}

interface TriggerState extends TriggerSpec {
  skipped: number;
  fired: number;
}

export type TriggerAction = Pick<TriggerSpec, 'op' | 'args' | 'run'>;

export class Triggers {
  #triggers: TriggerState[] = [];

  add(t: TriggerSpec): void {
    if (!t.op && !t.run) throw new Error('a trigger needs `op` (a control operation) or `run`');
    this.#triggers.push({ ...t, skipped: 0, fired: 0 });
  }

  clear(): void {
    this.#triggers = [];
  }

  list(): TriggerSpec[] {
    return this.#triggers.map(({ skipped: _s, fired: _f, run: _r, ...t }) => ({ ...t }));
  }

  /** The actions due at this moment of this call, in the order they were added (and count them). */
  take(service: Service, operation: string, when: 'before' | 'after'): TriggerAction[] {
    const due: TriggerAction[] = [];
    for (const t of this.#triggers) {
      if ((t.when ?? 'before') !== when) continue;
      if (t.service !== undefined && t.service !== service) continue;
      if (t.operation !== undefined && t.operation !== operation) continue;
      if (t.fired >= (t.count ?? 1)) continue;
      if (t.skipped < (t.skip ?? 0)) {
        t.skipped++;
        continue;
      }
      t.fired++;
      due.push(t);
    }
    return due;
  }
}
