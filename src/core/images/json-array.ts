/**
 * Dockerfile exec form: the text when it parses as a JSON array of strings, else undefined (then
 * docker takes it as shell form). Shared by `import --change` and the Containerfile parser.
 */
export function jsonArray(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(rest);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // not JSON: the text is taken as shell form
  }
  return undefined;
}
