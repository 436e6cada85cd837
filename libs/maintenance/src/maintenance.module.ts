import { Module } from '@nestjs/common';
import { HealthController, VersionController } from './maintenance.controller';

/** Health check and version (status, dump/load, quota scans arrive with their issues). */
@Module({ controllers: [HealthController, VersionController] })
export class MaintenanceModule {}
