import { Module } from '@nestjs/common';
import { BackupModule } from './backup/backup.module';
import { ConnectionsModule } from './connections/connections.module';
import { HealthController, VersionController } from './maintenance.controller';
import { QuotasModule } from './quotas/quotas.module';
import { RetentionModule } from './retention/retention.module';
import { StatusModule } from './status/status.module';

/** Operations: health, version, status, connections, quota scans and usage, dump/load, retention checks. */
@Module({
  imports: [StatusModule, ConnectionsModule, QuotasModule, BackupModule, RetentionModule],
  controllers: [HealthController, VersionController],
})
export class MaintenanceModule {}
