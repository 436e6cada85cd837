/** Admin permissions of SFTPGo's `AdminPermissions` schema; `*` grants all of them. */
export enum AdminPermission {
  All = '*',
  AddUsers = 'add_users',
  EditUsers = 'edit_users',
  DelUsers = 'del_users',
  ViewUsers = 'view_users',
  ViewConns = 'view_conns',
  CloseConns = 'close_conns',
  ViewStatus = 'view_status',
  ManageFolders = 'manage_folders',
  ManageGroups = 'manage_groups',
  QuotaScans = 'quota_scans',
  ManageDefender = 'manage_defender',
  ViewDefender = 'view_defender',
  ViewEvents = 'view_events',
  DisableMfa = 'disable_mfa',
}

/** Every valid admin permission value. */
export const ADMIN_PERMISSIONS: readonly string[] = Object.values(AdminPermission);

/** True when `granted` (an admin's permission list) includes `required`, `*` implying all. */
export function hasAdminPermission(granted: readonly string[], required: AdminPermission): boolean {
  return granted.includes(AdminPermission.All) || granted.includes(required);
}
