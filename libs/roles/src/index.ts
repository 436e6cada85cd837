export * from './entities/role.entity';
export * from './roles.module';
