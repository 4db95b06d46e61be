/**
 * How JavaScript values stand in for Go values inside a template. Templates are written against
 * Go's reflection rules, so every JS value gets a Go kind:
 *
 * - `undefined` is Go's invalid value (a missing map key): prints `<no value>`.
 * - `null` is nil: `<nil>` inside printed containers, `<no value>` as a pipeline's result.
 * - strings, booleans: string, bool. Safe integers and bigints: int. Other numbers: float64.
 * - arrays: `[]interface {}`. `Map`s and plain objects: `map[string]interface {}` (printed
 *   `map[k:v]` with sorted keys, ranged in key order, a missing key is `<no value>`).
 * - an object marked with {@link goStruct}: a struct (a missing field is an error, printed `{a b}`).
 * - functions: methods, called when reached through a field (`{{.Label "x"}}`).
 */

export type GoKind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func' | 'time';

const structTypes = new WeakMap<object, string>();

/**
 * Marks `value` as a Go struct named `typeName`, so a template asking for a field it lacks fails
 * the way Go does (`can't evaluate field Foo in type typeName`) instead of printing `<no value>`.
 * Returns the same object; JSON serialisation is unchanged.
 *
 * @example
 * renderTemplate('{{.Nope}}', goStruct({ ID: 'x' }, '*formatter.ContainerContext')) // throws
 */
export function goStruct<T extends object>(value: T, typeName: string): T {
  structTypes.set(value, typeName);
  return value;
}

/**
 * A nil slice of a Go struct field (`Config.Cmd` of an image without one): `[]` when a
 * template prints it, empty to len and range, false to if, `null` in JSON (JSON.stringify
 * and the template's json alike), as docker's typed inspect structs behave.
 */
export function nilSlice<T = string>(): T[] {
  const v: T[] = [];
  Object.defineProperty(v, 'toJSON', { value: () => null });
  return v;
}

/** A nil map field (`Config.Volumes`, `Config.Labels`): prints `map[]`, `null` in JSON. */
export function nilMap<T = string>(): Record<string, T> {
  const v: Record<string, T> = {};
  Object.defineProperty(v, 'toJSON', { value: () => null });
  return v;
}

const stringMaps = new WeakSet<object>();

/**
 * Marks `value` as a Go `map[string]string` (docker's Labels): `index` of a missing key gives
 * the zero string, so `{{index .Config.Labels "x"}}` prints nothing, as docker's typed inspect
 * does, where a `map[string]interface {}` gives no value. Returns the same object.
 *
 * @example
 * renderTemplate('{{index .L "x"}}', { L: goStringMap({}) }) // ''
 */
export function goStringMap<T extends object>(value: T): T {
  stringMaps.add(value);
  return value;
}

export function isGoStringMap(value: object): boolean {
  return stringMaps.has(value);
}

export function structTypeName(value: object): string | undefined {
  return structTypes.get(value);
}

export function kindOf(v: unknown): GoKind {
  if (v === undefined) return 'invalid';
  if (v === null) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    // beyond 2^53 a JavaScript number is no longer an exact integer: treat it as the float it is
    case 'number':
      return Number.isSafeInteger(v) ? 'int' : 'float';
    case 'function':
      return 'func';
    case 'object':
      if (Array.isArray(v)) return 'slice';
      if (v instanceof Date) return 'time';
      if (structTypes.has(v)) return 'struct';
      return 'map';
    default:
      return 'invalid';
  }
}

/** The Go type name used in error messages (`can't evaluate field X in type string`). */
export function goTypeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
      return '<nil>';
    case 'nil':
      return 'interface {}';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'slice':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'struct':
      return structTypes.get(v as object) as string;
    case 'func':
      return 'func(...interface {}) interface {}';
    case 'time':
      return 'time.Time';
  }
}

/** Object entries of a map-kind value, as [key, value] pairs in insertion order. */
export function mapEntries(v: object): Array<[unknown, unknown]> {
  if (v instanceof Map) return Array.from(v.entries());
  return Object.keys(v).map((k) => [k, (v as Record<string, unknown>)[k]]);
}

/** Compares strings by code point, which is the byte order Go uses for map keys. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareCodePoints(String(a), String(b));
}

/** Map entries sorted the way Go's fmt and text/template's range visit them (internal/fmtsort). */
export function sortedMapEntries(v: object): Array<[unknown, unknown]> {
  return mapEntries(v).sort((x, y) => compareKeys(x[0], y[0]));
}

/** Struct fields in declaration (insertion) order, skipping methods. */
export function structFields(v: object): Array<[string, unknown]> {
  return Object.keys(v)
    .map((k): [string, unknown] => [k, (v as Record<string, unknown>)[k]])
    .filter(([, value]) => typeof value !== 'function');
}

/** The length Go's len() reports: bytes for strings, elements for slices and maps. */
export function goLength(v: unknown): number | undefined {
  switch (kindOf(v)) {
    case 'string':
      return Buffer.byteLength(v as string, 'utf8');
    case 'slice':
      return (v as unknown[]).length;
    case 'map':
      return mapEntries(v as object).length;
    default:
      return undefined;
  }
}

/** text/template's truth: false, 0, "", empty slices and maps, nil and no value are false. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return typeof v === 'bigint' ? v !== 0n : v !== 0;
    case 'string':
    case 'slice':
    case 'map':
      return (goLength(v) as number) > 0;
    default:
      return true;
  }
}

/** Looks a key up in a map-kind value; undefined when absent. */
export function mapGet(m: object, key: unknown): unknown {
  if (m instanceof Map) return m.get(key);
  if (typeof key !== 'string') return undefined;
  return Object.hasOwn(m, key) ? (m as Record<string, unknown>)[key] : undefined;
}

export function mapHas(m: object, key: unknown): boolean {
  if (m instanceof Map) return m.has(key);
  return typeof key === 'string' && Object.hasOwn(m, key);
}
