import { Module } from '@nestjs/common';

/** PLACEHOLDER: filled by the connections work. */
@Module({})
export class ConnectionsModule {}
