import { Global, Module } from '@nestjs/common';
import { FilesystemConfigService } from './filesystem-config.service';
import { UserVfsFactory } from './vfs/user-vfs.factory';

/** Filesystem configurations and the per-user virtual filesystem; global. */
@Global()
@Module({
  providers: [FilesystemConfigService, UserVfsFactory],
  exports: [FilesystemConfigService, UserVfsFactory],
})
export class StorageModule {}
