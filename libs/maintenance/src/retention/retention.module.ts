import { Module } from '@nestjs/common';

/** PLACEHOLDER: filled by the retention work. */
@Module({})
export class RetentionModule {}
