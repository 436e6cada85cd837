export * from './secret.types';
export * from './secrets.service';
/** Secret redaction for the wire: `SecretView`, `secretToWire`, `isEmptySecret`, `secretViewFor`. */
export * from './secret-view';
export * from './secret.dto';
export * from './kms.module';
