import { Global, Module } from '@nestjs/common';
import { SecretsService } from './secrets.service';

/** Secrets encryption (Secret schema) under the configured master key; global. */
@Global()
@Module({
  providers: [SecretsService],
  exports: [SecretsService],
})
export class KmsModule {}
