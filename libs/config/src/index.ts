export * from './config.types';
export { ConfigError, loadConfig } from './config.loader';
export type { LoadConfigOptions, LoadedConfig } from './config.loader';
export * from './config.module';
