// The error an abandoned wait or zip rejects with, as the platform's own aborts name it.
export function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}
