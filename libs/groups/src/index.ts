export * from './entities/group.entity';
export * from './entities/group-folder-mapping.entity';
export * from './groups.module';
