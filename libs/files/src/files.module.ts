import { UsersModule } from '@app/users';
import { Module } from '@nestjs/common';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';

/** The user file API over each user's virtual filesystem. */
@Module({
  imports: [UsersModule],
  controllers: [FilesController],
  providers: [FilesService],
})
export class FilesModule {}
