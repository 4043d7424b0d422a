// The uploads' limiter and the buffer freed at once.
import { describe, expect, it } from 'vitest';
import { limiter } from '../../src/release/bounded.ts';
import { freeNow } from '../../src/release/free-now.ts';

describe('limiter', () => {
  it('runs at most `limit` at once, the rest in the order they came, through failures', async () => {
    const limit = limiter(1);
    const log: string[] = [];
    const gates: (() => void)[] = [];
    const task = (name: string, fail = false) =>
      limit(async () => {
        log.push(`start ${name}`);
        await new Promise<void>((go) => gates.push(go));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const all = Promise.allSettled([task('a', true), task('b'), task('c')]);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setImmediate(r));
      expect(gates).toHaveLength(i + 1);
      gates[i]!();
    }
    const settled = await all;
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
  });
});

describe('freeNow', () => {
  it("empties a buffer that owns its memory and leaves a slice of Node's pool alone", () => {
    const own = Buffer.alloc(1 << 20, 1);
    freeNow(own);
    expect(own.buffer.byteLength).toBe(0);
    const pooled = Buffer.from('small');
    freeNow(pooled);
    expect(pooled.toString()).toBe('small');
  });
});
