import { UsersModule } from '@app/users';
import { Module } from '@nestjs/common';
import { ConnectionRegistry } from './connection-registry';
import { FileActionsController } from './file-actions.controller';
import { FileActionsService } from './file-actions.service';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';
import { QuotaRepository } from './quota.repository';
import { QuotaService } from './quota.service';
import { TransferRegistry } from './transfer-registry';

/** The user file API over each user's virtual filesystem. */
@Module({
  imports: [UsersModule],
  controllers: [FilesController, FileActionsController],
  providers: [
    FilesService,
    FileActionsService,
    QuotaRepository,
    QuotaService,
    TransferRegistry,
    ConnectionRegistry,
  ],
  exports: [
    QuotaService,
    QuotaRepository,
    TransferRegistry,
    ConnectionRegistry,
    FilesService,
    FileActionsService,
  ],
})
export class FilesModule {}
