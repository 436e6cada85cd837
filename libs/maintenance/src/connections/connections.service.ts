import { ApiError, type Principal } from '@app/common';
import { ConnectionRegistry } from '@app/files';
import { Injectable } from '@nestjs/common';
import { connectionToWire } from './connections.mapper';
import type { ConnectionStatusDto } from './dto/connection-status.dto';

/** The connections API: role admins see and close only their role's users' connections. */
@Injectable()
export class ConnectionsService {
  constructor(private readonly connections: ConnectionRegistry) {}

  /** `GET /connections`: the connections in progress. */
  list(principal: Principal): ConnectionStatusDto[] {
    const now = Date.now();
    return this.connections.list(principal.role).map((c) => connectionToWire(c, now));
  }

  /** `DELETE /connections/{id}`: 404 `Not Found` for an unknown id or another role's connection. */
  close(principal: Principal, id: string): { message: string } {
    if (!this.connections.close(id, principal.role)) throw new ApiError(404, '', 'Not Found');
    return { message: 'Connection closed' };
  }
}
