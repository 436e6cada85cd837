import { SFTPGO_CONFIG, type SftpgoConfig } from '@app/config';
import { Global, Module } from '@nestjs/common';
import { PasswordHasher } from './crypto/password-hasher';

/** Shared services configured from `data_provider` (password hashing), available everywhere. */
@Global()
@Module({
  providers: [
    {
      provide: PasswordHasher,
      inject: [SFTPGO_CONFIG],
      useFactory: (config: SftpgoConfig) =>
        new PasswordHasher(config.data_provider.password_hashing, config.data_provider.password_caching),
    },
  ],
  exports: [PasswordHasher],
})
export class CommonModule {}
