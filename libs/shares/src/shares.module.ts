import { FilesModule } from '@app/files';
import { UsersModule } from '@app/users';
import { Module } from '@nestjs/common';
import { PublicSharesController } from './public-shares.controller';
import { PublicSharesService } from './public-shares.service';
import { SharesController } from './shares.controller';
import { SharesRepository } from './shares.repository';
import { SharesService } from './shares.service';

/** Shares: the owner's `/user/shares` endpoints and the public `/shares/{id}` ones. */
@Module({
  imports: [UsersModule, FilesModule],
  controllers: [SharesController, PublicSharesController],
  providers: [SharesRepository, SharesService, PublicSharesService],
  exports: [SharesService],
})
export class SharesModule {}
