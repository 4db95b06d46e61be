import { invalidArgument } from './invalid.js';

/** Split one CSV record as Go's encoding/csv reads --mount: commas separate, "quotes" may hold commas. */
export function csvFields(value: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '"' && value[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) throw invalidArgument(`unterminated quote in "${value}"`);
  fields.push(cur);
  return fields;
}
