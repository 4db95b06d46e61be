/**
 * docker's prune filters, the same for containers, images and networks: `until=` (created
 * before) and `label=K[=V]` / `label!=K[=V]` (on the object's labels; all must hold).
 */
export interface PruneFilters {
  until?: Date;
  labels?: Array<{ key: string; value?: string; negate: boolean }>;
}

/** Whether an object created at `created` (ISO 8601, '' when unknown) with these labels is pruned. */
export function prunable(filters: PruneFilters, created: string, labels: Record<string, string>): boolean {
  if (filters.until !== undefined) {
    const t = Date.parse(created);
    // an object that does not say when it was made is kept when a time is asked for
    if (Number.isNaN(t) || !(t < filters.until.getTime())) return false;
  }
  return (filters.labels ?? []).every((l) => {
    const has = l.key in labels && (l.value === undefined || labels[l.key] === l.value);
    return l.negate ? !has : has;
  });
}
