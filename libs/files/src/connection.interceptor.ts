import type { Principal } from '@app/common';
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ConnectionRegistry } from './connection-registry';

/**
 * Registers each request of the routes it guards as a connection (SFTPGo's per-request HTTP
 * connection) for as long as it runs. It runs after authentication: a user's request is an `HTTP`
 * connection of that user; a public share request is an `HTTPShare` connection whose owner the share
 * service binds once the share's gate passed.
 */
@Injectable()
export class ConnectionInterceptor implements NestInterceptor {
  constructor(private readonly connections: ConnectionRegistry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Principal }>();
    const reply = http.getResponse<FastifyReply>();
    const principal = request.principal;
    this.connections.open(
      request,
      reply.raw,
      principal?.kind === 'user'
        ? { protocol: 'HTTP', username: principal.username, role: principal.role }
        : { protocol: 'HTTPShare' },
    );
    return next.handle();
  }
}

/** Marks a controller whose requests are connections (the user file API, the public shares). */
export const TrackConnections = () => UseInterceptors(ConnectionInterceptor);
