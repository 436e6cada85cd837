export * from './entities/folder.entity';
export * from './folders.module';
