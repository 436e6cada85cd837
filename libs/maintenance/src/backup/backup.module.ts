import { Module } from '@nestjs/common';

/** PLACEHOLDER: filled by the backup work. */
@Module({})
export class BackupModule {}
