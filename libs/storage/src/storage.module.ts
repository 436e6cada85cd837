import { Module } from '@nestjs/common';

/** Filesystem configurations (and, later, the per-user virtual filesystem). */
@Module({})
export class StorageModule {}
