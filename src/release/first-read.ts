// The release's first AWS call (preflight's GetFunction) sent by the shell as soon as the
// inputs are read, before the rest of the release's code is loaded: the first getFunction of
// that function gets this answer (or its error), every later call goes out as usual.
import type { LambdaService } from './deps.ts';

/** `settled`: the first read has its answer or its error (never rejects). */
export function withFirstRead<L extends Pick<LambdaService, 'getFunction'>>(
  lambda: L,
  functionName: string,
): { lambda: L; settled: Promise<void> } {
  let first: ReturnType<LambdaService['getFunction']> | undefined =
    lambda.getFunction(functionName);
  // Handled where preflight awaits it; a run that ends before (cancelled) must not crash on it.
  const settled = first.then(
    () => undefined,
    () => undefined,
  );
  const primed = new Proxy(lambda, {
    get(target, key, receiver) {
      if (key !== 'getFunction') {
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (fn: string) => {
        if (first && fn === functionName) {
          const answer = first;
          first = undefined;
          return answer;
        }
        return target.getFunction(fn);
      };
    },
  });
  return { lambda: primed, settled };
}
