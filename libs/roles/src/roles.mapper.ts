import type { RoleEntity } from './entities/role.entity';

/** A role as SFTPGo sends it: `description`, `users` and `admins` omitted when empty. */
export interface RoleWire {
  id: number;
  name: string;
  description?: string;
  created_at: number;
  updated_at: number;
  users?: string[];
  admins?: string[];
}

/** Who uses a role (read-only back-references). */
export interface RoleReferences {
  users: string[];
  admins: string[];
}

/** Builds the wire JSON of a role, in SFTPGo's field order. */
export function roleToWire(role: RoleEntity, refs: RoleReferences = { users: [], admins: [] }): RoleWire {
  return {
    id: role.id,
    name: role.name,
    ...(role.description ? { description: role.description } : {}),
    created_at: role.createdAt,
    updated_at: role.updatedAt,
    ...(refs.users.length > 0 ? { users: refs.users } : {}),
    ...(refs.admins.length > 0 ? { admins: refs.admins } : {}),
  };
}
