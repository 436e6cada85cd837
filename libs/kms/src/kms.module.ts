import { Module } from '@nestjs/common';

/** Secrets encryption (Secret schema) under the configured master key. */
@Module({})
export class KmsModule {}
