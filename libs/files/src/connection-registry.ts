import { Injectable } from '@nestjs/common';

/**
 * The REST connections in progress (SFTPGo's `ConnectionStatus`): one per user file API or share request
 * while it runs, with its transfers. PLACEHOLDER contract, filled by the connections work.
 */
@Injectable()
export class ConnectionRegistry {
  /** Closes every connection of `username` (their transfers aborted); returns how many. */
  closeFor(username: string): number {
    void username;
    return 0;
  }
}
