import { Global, Module } from '@nestjs/common';
import { FilesystemConfigService } from './filesystem-config.service';

/** Filesystem configurations (and, later, the per-user virtual filesystem); global. */
@Global()
@Module({
  providers: [FilesystemConfigService],
  exports: [FilesystemConfigService],
})
export class StorageModule {}
