export * from './database.module';
export * from './data-source.factory';
export * from './database-errors';
export * from './transformers';
export { MIGRATIONS } from './migrations';
