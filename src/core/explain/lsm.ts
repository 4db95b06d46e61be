/**
 * The security label of a process from /proc/PID/attr: AppArmor's `profile (mode)` or SELinux's
 * `user:role:type:level`. Kernels with several LSMs have per-LSM files (attr/apparmor/current);
 * `attr/current` belongs to the first major LSM. Empty and "unconfined" stay as the kernel says.
 */
export function cleanLabel(text: string | undefined): string | null {
  if (text === undefined) return null;
  const t = text.replace(/\0/g, '').trim();
  return t === '' ? null : t;
}

/** Active LSMs from /sys/kernel/security/lsm (`lockdown,capability,landlock,apparmor`). */
export function parseLsmList(text: string | undefined): string[] {
  return (text ?? '').trim().split(',').filter(Boolean);
}
