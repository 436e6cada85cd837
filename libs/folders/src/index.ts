export * from './entities/folder.entity';
