import { RolesModule } from '@app/roles';
import { Module } from '@nestjs/common';
import { AdminProfileController, AdminsController } from './admins.controller';
import { AdminsRepository } from './admins.repository';
import { AdminsService } from './admins.service';

/** Admin accounts: `/admins`, `/admin/profile`, `/admin/changepwd`, and the credentials check for auth. */
@Module({
  imports: [RolesModule],
  controllers: [AdminsController, AdminProfileController],
  providers: [AdminsRepository, AdminsService],
  exports: [AdminsService],
})
export class AdminsModule {}
