import { Module } from '@nestjs/common';

/** Roles: the /roles endpoints. */
@Module({})
export class RolesModule {}
