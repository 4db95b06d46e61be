import { BerthError } from '../../errors/index.js';

/** The one error every flag parser throws: the user typed something we cannot use. */
export function invalidArgument(message: string): BerthError {
  return new BerthError('InvalidArgument', message);
}

/** docker's wording when a flag value does not parse: `invalid argument "x" for "--flag" flag: why`. */
export function invalidFlag(flag: string | undefined, value: string, why: string): BerthError {
  return invalidArgument(flag ? `invalid argument "${value}" for "${flag}" flag: ${why}` : why);
}
