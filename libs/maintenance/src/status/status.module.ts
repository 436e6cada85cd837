import { Module } from '@nestjs/common';

/** PLACEHOLDER: filled by the status work. */
@Module({})
export class StatusModule {}
