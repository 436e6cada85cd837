export * from './auth.module';
export * from './token.service';
export * from './token-revocation.service';
export * from './entities/revoked-token.entity';
