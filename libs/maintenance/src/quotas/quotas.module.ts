import { FilesModule } from '@app/files';
import { FoldersModule } from '@app/folders';
import { UsersModule } from '@app/users';
import { Module } from '@nestjs/common';
import { QuotaScansRepository } from './quota-scans.repository';
import { QuotaScansService } from './quota-scans.service';
import { QuotasController } from './quotas.controller';

/** `/quotas/*`: quota scans and usage updates (`QuotaScansService` is exported: the backup restore uses it). */
@Module({
  imports: [FilesModule, FoldersModule, UsersModule],
  controllers: [QuotasController],
  providers: [QuotaScansService, QuotaScansRepository],
  exports: [QuotaScansService],
})
export class QuotasModule {}
