import type { AuditRepository } from '../catalog/repositories';

const DAY_MS = 24 * 3600 * 1000;

/** Keeps the audit log from growing forever: BACKUP_AUDIT_DAYS, 0 = keep all. Returns how many entries went. */
export async function pruneAuditLog(audit: AuditRepository, auditDays: number, now = new Date()): Promise<number> {
  if (auditDays <= 0) return 0;
  return audit.deleteBefore(new Date(now.getTime() - auditDays * DAY_MS));
}
