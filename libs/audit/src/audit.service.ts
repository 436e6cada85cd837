import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditEntry } from './audit.types';
import { ProviderEventEntity } from './entities/provider-event.entity';
import { serializeObjectData } from './object-data';

/** Longer values than the columns hold are cut rather than failing the insert. */
const USERNAME_MAX = 255;
const OBJECT_NAME_MAX = 512;
const IP_MAX = 50;

/**
 * The audit trail: every admin-side change as one structured log line and one `provider_events` row
 * (SFTPGo's provider events, read later by the event search API).
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('audit');

  constructor(private readonly dataSource: DataSource) {}

  /** Records one change; never throws (a failed write is logged, the change itself stands). */
  async record(entry: AuditEntry): Promise<void> {
    const { action, objectType, objectName, username, ip } = entry;
    const role = entry.role ?? '';
    try {
      // Identifiers only: the object itself (even redacted) stays out of the logs.
      this.logger.log({
        msg: `${action} ${objectType} "${objectName}"`,
        audit: true,
        action,
        object_type: objectType,
        object_name: objectName,
        username,
        ip,
        role,
      });
      await this.dataSource.getRepository(ProviderEventEntity).insert({
        timestamp: Date.now(),
        action,
        username: username.slice(0, USERNAME_MAX),
        ip: ip.slice(0, IP_MAX),
        objectType,
        objectName: objectName.slice(0, OBJECT_NAME_MAX),
        objectData: serializeObjectData(entry.objectData),
        role: role.slice(0, USERNAME_MAX),
        instanceId: '',
      });
    } catch (error) {
      this.logger.error(
        `unable to record the ${action} of ${objectType} "${objectName}" by "${username}": ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  }
}
