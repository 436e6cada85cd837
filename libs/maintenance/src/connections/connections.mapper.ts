import type { ConnectionSnapshot } from '@app/files';
import type { ConnectionStatusDto } from './dto/connection-status.dto';

/** The wire JSON of a connection, with SFTPGo's `omitempty` fields left out when empty. */
export function connectionToWire(c: ConnectionSnapshot, now: number): ConnectionStatusDto {
  return {
    username: c.username,
    connection_id: c.id,
    ...(c.clientVersion ? { client_version: c.clientVersion } : {}),
    remote_address: c.remoteAddress,
    connection_time: c.connectionTime,
    last_activity: c.lastActivity,
    current_time: now,
    protocol: c.protocol,
    ...(c.command ? { command: c.command } : {}),
    ...(c.transfers.length > 0
      ? {
          active_transfers: c.transfers.map((t) => ({
            operation_type: t.direction,
            path: t.virtualPath,
            start_time: t.startedAt,
            size: t.bytes,
          })),
        }
      : {}),
  };
}
