import { AUDITED, type AuditedRoute, clientIp, type Principal } from '@app/common';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, tap } from 'rxjs';
import type { AuditAction } from './audit.types';
import { AuditService } from './audit.service';
import { auditAction, type AuditNameResolver, compileObjectName, returnedObject } from './audited-route';

/** An `@Audited` route, compiled once. */
interface CompiledRoute {
  type: string;
  action: AuditAction;
  name: AuditNameResolver;
}

/**
 * Records one provider event after each successful `@Audited` route (final status < 400, `@Res()`
 * routes included): the caller, the client IP, the object's name, and the object when the route
 * returned it. The row is written once the response is sent (as SFTPGo, asynchronously), so the
 * client never waits on the audit trail. Other routes cost one cached lookup per request.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  /** Per handler: its compiled route, or null when it is not audited. */
  private readonly routes = new Map<unknown, CompiledRoute | null>();

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (route === undefined) {
      route = this.compile(context);
      this.routes.set(handler, route);
    }
    if (route === null) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Principal }>();
    const reply = http.getResponse<FastifyReply>();
    return this.watch(route, request, reply, next.handle());
  }

  private compile(context: ExecutionContext): CompiledRoute | null {
    if (context.getType() !== 'http') return null;
    const route = this.reflector.get<AuditedRoute | undefined>(AUDITED, context.getHandler());
    if (!route) return null;
    const method = context.switchToHttp().getRequest<FastifyRequest>().method;
    const action = auditAction(route, method);
    if (!action) throw new Error(`@Audited on a ${method} route needs an explicit action`);
    return { type: route.type, action, name: compileObjectName(route.name) };
  }

  /**
   * Records once both the handler has succeeded and the response has ended (in either order: an
   * `@Res()` handler may send before it returns; a client may hang up before the answer is sent).
   */
  private watch(
    route: CompiledRoute,
    request: FastifyRequest & { principal?: Principal },
    reply: FastifyReply,
    handled: Observable<unknown>,
  ): Observable<unknown> {
    let result: unknown;
    let succeeded = false;
    let ended = false;
    let done = false;
    const settle = () => {
      if (done || !succeeded || !ended) return;
      done = true;
      if (reply.raw.statusCode >= 400) return;
      const principal = request.principal;
      void this.audit.record({
        action: route.action,
        objectType: route.type,
        objectName: route.name({
          params: request.params,
          body: request.body,
          header: (name) => reply.getHeader(name),
          principal: principal?.username ?? '',
        }),
        username: principal?.username ?? '',
        ip: clientIp(request),
        role: principal?.role ?? '',
        objectData: returnedObject(result),
      });
    };
    const end = () => {
      ended = true;
      settle();
    };
    reply.raw.once('finish', end);
    reply.raw.once('close', end);
    return handled.pipe(
      tap((value) => {
        result = value;
        succeeded = true;
        settle();
      }),
    );
  }
}
