export * from './filesystem-config.types';
/** `FilesystemConfigService` (validation, secrets sealed at rest) and `filesystemToWire`, the one wire form. */
export * from './filesystem-config.service';
export * from './filesystem-config.dto';
export * from './storage.module';
