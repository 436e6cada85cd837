/** The group entity (`groups` table) and its `GroupUserSettings`. */
export * from './entities/group.entity';
/** A folder mounted in a group (`groups_folders_mapping` table). */
export * from './entities/group-folder-mapping.entity';
/** The /groups module; exports GroupsService. */
export * from './groups.module';
/** Group CRUD. */
export * from './groups.service';
/** Wire JSON of groups: `groupToWire`, `groupUserSettingsToWire`. */
export * from './groups.mapper';
/** Back-reference shape of groups. */
export type { GroupReferences } from './groups.repository';
/** OpenAPI `Group` and `GroupUserSettings` DTOs. */
export * from './dto/group.dto';
