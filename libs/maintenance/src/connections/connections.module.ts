import { FilesModule } from '@app/files';
import { Module } from '@nestjs/common';
import { ConnectionsController } from './connections.controller';
import { ConnectionsService } from './connections.service';

/** `GET /connections` and `DELETE /connections/{id}` over the file API's connection registry. */
@Module({
  imports: [FilesModule],
  controllers: [ConnectionsController],
  providers: [ConnectionsService],
})
export class ConnectionsModule {}
