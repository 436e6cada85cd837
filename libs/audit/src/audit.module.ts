import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/** The audit trail of admin-side changes. Global: any domain lib may record through `AuditService`. */
@Global()
@Module({
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
