export * from './entities/role.entity';
export * from './roles.module';
/** Role lookups (naming rules, 409 for a missing role) and the /roles operations. */
export { RolesService, descriptionProblem } from './roles.service';
/** Wire JSON of a role. */
export { roleToWire, type RoleWire, type RoleReferences } from './roles.mapper';
/** `Role` schema DTO. */
export { RoleDto } from './dto/role.dto';
