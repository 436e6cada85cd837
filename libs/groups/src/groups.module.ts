import { Module } from '@nestjs/common';

/** Groups: the /groups endpoints. */
@Module({})
export class GroupsModule {}
