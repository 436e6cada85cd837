export * from './filesystem-config.types';
export * from './storage.module';
