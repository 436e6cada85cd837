export * from './entities/role.entity';
