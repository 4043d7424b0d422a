// YAML (and so JSON) text → plain data. `yaml` is imported only here, when an input that needs
// it is given, so a release without those inputs never loads it (a separate chunk in dist/).
// Errors give the position only: the parser's own message quotes the source, which may hold a
// secret.

export type YamlResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * `failsafe` keeps every scalar a string exactly as written (environment values: `0123` stays
 * `0123`, `true` stays `true`); `core` is YAML 1.2's numbers and booleans (function-configuration).
 */
export async function parseYaml(text: string, schema: 'failsafe' | 'core'): Promise<YamlResult> {
  const mod = await import('yaml');
  // Bundled, the package is CommonJS in its own chunk: esbuild then offers only `default`.
  const parseDocument =
    mod.parseDocument ?? (mod as unknown as { default: typeof mod }).default.parseDocument;
  const doc = parseDocument(text, { schema, uniqueKeys: true, prettyErrors: false });
  const [first] = doc.errors;
  if (first) {
    const before = text.slice(0, first.pos[0]);
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    const what = first.code.toLowerCase().replace(/_/g, ' ');
    return { ok: false, error: `${what} at line ${line}, column ${column}` };
  }
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
