// The shell's first read: sent at once, its answer handed to the first getFunction of that
// function, every other call made as usual.
import { describe, expect, it } from 'vitest';
import { withFirstRead } from '../../src/release/first-read.ts';

function fakeLambda() {
  const calls: string[] = [];
  return {
    calls,
    region: 'us-east-1',
    async getFunction(fn: string) {
      calls.push(`GetFunction ${fn}`);
      if (fn === 'missing') throw new Error('denied');
      return { arn: `arn:aws:lambda:us-east-1:123456789012:function:${fn}` } as never;
    },
    async getAlias(fn: string, alias: string) {
      calls.push(`GetAlias ${fn}:${alias} in ${this.region}`);
      return undefined;
    },
  };
}

describe('withFirstRead', () => {
  it('sends the read at once and gives its answer to the first getFunction only', async () => {
    const api = fakeLambda();
    const { lambda, settled } = withFirstRead(api, 'orders');
    expect(api.calls).toEqual(['GetFunction orders']);
    await settled;
    const first = await lambda.getFunction('orders');
    expect(first).toMatchObject({ arn: expect.stringContaining(':function:orders') });
    expect(api.calls).toEqual(['GetFunction orders']);
    await lambda.getFunction('orders');
    await lambda.getFunction('other');
    await lambda.getAlias('orders', 'live');
    expect(api.calls).toEqual([
      'GetFunction orders',
      'GetFunction orders',
      'GetFunction other',
      'GetAlias orders:live in us-east-1',
    ]);
  });

  it('a failed first read settles, and its error reaches the caller that asks for it', async () => {
    const api = fakeLambda();
    const { lambda, settled } = withFirstRead(api, 'missing');
    await expect(settled).resolves.toBeUndefined();
    await expect(lambda.getFunction('missing')).rejects.toThrow('denied');
    expect(api.calls).toEqual(['GetFunction missing']);
  });
});
