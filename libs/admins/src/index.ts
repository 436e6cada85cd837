export * from './admins.module';
export * from './admins.service';
export * from './entities/admin.entity';
export * from './entities/admin-group-mapping.entity';
/** Wire JSON of admins and of the admin profile. */
export { adminToWire, type AdminWire, type AdminProfileWire } from './admins.mapper';
/** `Admin`, `AdminProfile`, `PwdChange` and related schema DTOs. */
export { AdminDto, AdminProfileDto, PwdChangeDto } from './dto/admin.dto';
