export * from './config.types';
export { ConfigError, loadConfig } from './config.loader';
export type { LoadConfigOptions, LoadedConfig } from './config.loader';
export * from './config.module';
/** Go cipher suite names (`tls_cipher_suites`) mapped to OpenSSL's. */
export * from './tls-ciphers';
