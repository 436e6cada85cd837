import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditEntry } from './audit.types';
import { ProviderEventEntity } from './entities/provider-event.entity';

/**
 * The audit trail: every admin-side change as one structured log line and one `provider_events` row.
 * PLACEHOLDER: the audit helper completes it (log line shape, failure handling, tests).
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('audit');

  constructor(private readonly dataSource: DataSource) {}

  /** Records one change; never throws (a failed write is logged, the change itself stands). */
  async record(entry: AuditEntry): Promise<void> {
    void this.logger;
    void this.dataSource;
    void ProviderEventEntity;
    void entry;
  }
}
