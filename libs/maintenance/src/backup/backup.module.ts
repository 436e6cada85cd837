import { Module } from '@nestjs/common';
import { QuotasModule } from '../quotas/quotas.module';
import { BackupDumpService } from './backup-dump.service';
import { BackupRestoreService } from './backup-restore.service';
import { DumpdataController } from './dumpdata.controller';
import { LoaddataController } from './loaddata.controller';

/** `/dumpdata` and `/loaddata` in SFTPGo's `BackupData` format. */
@Module({
  imports: [QuotasModule],
  controllers: [DumpdataController, LoaddataController],
  providers: [BackupDumpService, BackupRestoreService],
})
export class BackupModule {}
