import { FoldersModule } from '@app/folders';
import { Module } from '@nestjs/common';
import { UserAuthStateCache } from './user-auth-state.cache';
import { UserAuthService } from './user-auth.service';
import { UserSelfController } from './user-self.controller';
import { UserSelfService } from './user-self.service';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Users: the /users endpoints and the effective user. */
@Module({
  imports: [FoldersModule],
  controllers: [UsersController, UserSelfController],
  providers: [UsersRepository, UsersService, UserAuthStateCache, UserAuthService, UserSelfService],
  exports: [UsersService, UserAuthService],
})
export class UsersModule {}
