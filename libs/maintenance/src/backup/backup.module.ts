import { AdminsModule } from '@app/admins';
import { ApiKeysModule } from '@app/api-keys';
import { FilesModule } from '@app/files';
import { FoldersModule } from '@app/folders';
import { GroupsModule } from '@app/groups';
import { RolesModule } from '@app/roles';
import { SharesModule } from '@app/shares';
import { UsersModule } from '@app/users';
import { Module } from '@nestjs/common';
import { QuotasModule } from '../quotas/quotas.module';
import { BackupDumpService } from './backup-dump.service';
import { BackupRestoreService } from './backup-restore.service';
import { DumpdataController } from './dumpdata.controller';
import { LoaddataController } from './loaddata.controller';

/** `/dumpdata` and `/loaddata` in SFTPGo's `BackupData` format. */
@Module({
  imports: [
    QuotasModule,
    // The restore writes through each domain's service and disconnects users (mode 2).
    UsersModule,
    GroupsModule,
    FoldersModule,
    AdminsModule,
    RolesModule,
    ApiKeysModule,
    SharesModule,
    FilesModule,
  ],
  controllers: [DumpdataController, LoaddataController],
  providers: [BackupDumpService, BackupRestoreService],
})
export class BackupModule {}
