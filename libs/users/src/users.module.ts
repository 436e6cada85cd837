import { Module } from '@nestjs/common';

/** Users: the /users endpoints and the effective user. */
@Module({})
export class UsersModule {}
