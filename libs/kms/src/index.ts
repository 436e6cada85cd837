export * from './secret.types';
export * from './kms.module';
