export * from './entities/user.entity';
export * from './entities/user-folder-mapping.entity';
export * from './entities/user-group-mapping.entity';
export * from './users.module';
