/** What changed, SFTPGo's `ProviderEventAction`. */
export type AuditAction = 'add' | 'update' | 'delete';

/** One admin-side change to record. */
export interface AuditEntry {
  action: AuditAction;
  /** SFTPGo's `ProviderEventObjectType` values, plus `ip_list_entry`, `defender_host`, `quota`, `connection`, `backup`. */
  objectType: string;
  objectName: string;
  /** The acting admin (or user). */
  username: string;
  /** Where the request came from (the resolved client IP). */
  ip: string;
  /** The acting admin's role, "" = none. */
  role?: string;
  /** The object's wire JSON, already without secrets (never a password hash or a key). */
  objectData?: unknown;
}
