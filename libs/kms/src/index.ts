export * from './secret.types';
