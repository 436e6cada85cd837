import { Injectable } from '@nestjs/common';

/**
 * Quota scans (one per user / folder at a time) and the usage updates.
 * PLACEHOLDER contract, filled by the quotas work; the backup work calls `startUserScan`/`startFolderScan`.
 */
@Injectable()
export class QuotaScansService {
  /** Starts a background scan of `username` (404 unknown, 409 one already running, 403 tracking disabled). */
  startUserScan(username: string): Promise<void> {
    return Promise.reject(new Error(`not implemented: ${username}`));
  }

  /** Starts a background scan of folder `name` (404 unknown, 409 one already running, 403 tracking disabled). */
  startFolderScan(name: string): Promise<void> {
    return Promise.reject(new Error(`not implemented: ${name}`));
  }
}
