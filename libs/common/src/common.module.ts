import { SFTPGO_CONFIG, type SftpgoConfig } from '@app/config';
import { Global, Module } from '@nestjs/common';
import { AuthFailures } from './auth/auth-failures';
import { PasswordHasher } from './crypto/password-hasher';

/** Shared services (password hashing, failed-credential reports), available everywhere. */
@Global()
@Module({
  providers: [
    {
      provide: PasswordHasher,
      inject: [SFTPGO_CONFIG],
      useFactory: (config: SftpgoConfig) =>
        new PasswordHasher(config.data_provider.password_hashing, config.data_provider.password_caching),
    },
    AuthFailures,
  ],
  exports: [PasswordHasher, AuthFailures],
})
export class CommonModule {}
