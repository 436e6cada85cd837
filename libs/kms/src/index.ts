export * from './secret.types';
export * from './secrets.service';
export * from './secret.dto';
export * from './kms.module';
