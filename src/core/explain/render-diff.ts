import type { Difference } from './facts.js';
import { alignRows, type Style } from './style.js';

/** Two columns; differing rows marked with `≠` and coloured. */
export function renderDiff(rows: readonly Difference[], st: Style): string {
  const table = rows.map((d) => [d.same ? ' ' : st.shared('≠'), d.label, d.same ? d.left : st.shared(d.left), d.same ? d.right : st.isolated(d.right)]);
  return alignRows(table);
}
