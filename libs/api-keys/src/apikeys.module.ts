import { Module } from '@nestjs/common';
import { ApiKeysController } from './apikeys.controller';
import { ApiKeysRepository } from './apikeys.repository';
import { ApiKeysService } from './apikeys.service';

/** API keys: the /apikeys endpoints and the key lookups of authentication. */
@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeysRepository, ApiKeysService],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
