import { Module } from '@nestjs/common';
import { QuotaScansService } from './quota-scans.service';

/** PLACEHOLDER: filled by the quotas work (keep `QuotaScansService` exported: the backup restore uses it). */
@Module({
  providers: [QuotaScansService],
  exports: [QuotaScansService],
})
export class QuotasModule {}
