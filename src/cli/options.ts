/** Commander collectors for docker's repeatable flags (-e A -e B). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Docker accepts `--flag=false` on booleans rarely; integers must be whole numbers. */
export function intArg(flag: string): (v: string) => number {
  return (v: string) => {
    if (!/^-?\d+$/.test(v)) throw new Error(`invalid argument "${v}" for "${flag}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
    return Number(v);
  };
}
