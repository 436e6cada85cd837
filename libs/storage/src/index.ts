export * from './filesystem-config.types';
export * from './filesystem-config.service';
export * from './filesystem-config.dto';
export * from './storage.module';
