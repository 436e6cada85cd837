export * from './entities/user.entity';
export * from './entities/user-folder-mapping.entity';
export * from './entities/user-group-mapping.entity';
export * from './users.module';
/** The /users operations and the effective user (`getEffectiveUser`) for the file API. */
export { UsersService } from './users.service';
/** The merge of a user with its groups, as SFTPGo does at login. */
export {
  effectiveUser,
  type EffectiveUser,
  type EffectiveUserInput,
  type EffectiveGroupInput,
  type EffectiveVirtualFolder,
  type FolderMountLike,
} from './effective-user';
/** Wire JSON of a user. */
export { userToWire, filtersToWire, type UserWire } from './users.mapper';
/** `User`, `UserFilters` and `GroupMapping` schema DTOs. */
export { UserDto, GroupMappingDto, UserFiltersDto } from './dto/user.dto';
/** True for a password value SFTPGo stores as an already-made hash. */
export { isUserPasswordHash } from './user-password';
/** User credentials, login conditions and cached authentication state, for the token layer. */
export {
  UserAuthService,
  type UserAuthState,
  userCredentialStamp,
  passwordLoginProblem,
  userLoginProblem,
} from './user-auth.service';
