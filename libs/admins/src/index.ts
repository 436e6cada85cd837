export * from './admins.module';
export * from './admins.service';
export * from './entities/admin.entity';
