/**
 * Template functions as text/template sees them: each declares Go parameter types, because Go
 * checks arguments against them (`wrong type for value; expected string; got int`) and parses
 * literal arguments by them (`expected integer; found "x"`).
 */

/**
 * - `any`: interface{}; a missing value arrives as `null`
 * - `value`: reflect.Value; the value arrives untouched, `undefined` when missing
 * - `string`, `int`, `bool`, `float`: Go's basic types, checked before the call
 */
export type ParamType = 'any' | 'value' | 'string' | 'int' | 'bool' | 'float';

export interface TemplateFunction {
  params: readonly ParamType[];
  /** element type of a final `...` parameter */
  variadic?: ParamType;
  /** throws an Error whose message Go would return as the function's error */
  fn: (...args: never[]) => unknown;
}

export type FunctionMap = Readonly<Record<string, TemplateFunction>>;

/** Declares a template function; `fn` receives arguments already converted per `params`. */
export function templateFunction<A extends unknown[]>(params: readonly ParamType[], fn: (...args: A) => unknown, variadic?: ParamType): TemplateFunction {
  return variadic === undefined ? { params, fn: fn as (...args: never[]) => unknown } : { params, variadic, fn: fn as (...args: never[]) => unknown };
}

/** Go's type name for a parameter type, as error messages print it. */
export function paramTypeName(t: ParamType): string {
  switch (t) {
    case 'any':
      return 'interface {}';
    case 'value':
      return 'reflect.Value';
    case 'float':
      return 'float64';
    default:
      return t;
  }
}
