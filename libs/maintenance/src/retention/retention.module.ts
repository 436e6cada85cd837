import { FilesModule } from '@app/files';
import { Module } from '@nestjs/common';
import { RetentionController } from './retention.controller';
import { RetentionService } from './retention.service';

/** Data retention checks: the service the event manager calls, and the list of checks in progress. */
@Module({
  imports: [FilesModule],
  controllers: [RetentionController],
  providers: [RetentionService],
  exports: [RetentionService],
})
export class RetentionModule {}
