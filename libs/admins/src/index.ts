export * from './admins.module';
export * from './admins.service';
export * from './entities/admin.entity';
export * from './entities/admin-group-mapping.entity';
