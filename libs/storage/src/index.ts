export * from './filesystem-config.types';
