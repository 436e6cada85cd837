import { Module } from '@nestjs/common';
import { AdminsRepository } from './admins.repository';
import { AdminsService } from './admins.service';

/** Admin accounts (the `/admins` endpoints arrive with the admin API). */
@Module({
  providers: [AdminsRepository, AdminsService],
  exports: [AdminsService],
})
export class AdminsModule {}
