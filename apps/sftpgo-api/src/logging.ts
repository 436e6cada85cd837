import { clientIp } from '@app/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { type Params, PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** The request id: the client's `X-Request-ID` when sane, else a new UUID (echoed in the response). */
export function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * JSON logs with a request id per request (taken from `X-Request-ID` when sane, echoed back).
 * Request and response serializers keep only what is safe: never a header, so never a password,
 * token or API key. nestjs-pino provides the root logger and Nest's `Logger`; the per-request part
 * is {@link registerRequestLogging}'s Fastify hooks, not nestjs-pino's HTTP middleware (which runs
 * through Nest's middleware layer and pino-http: measured at about half the CPU of a small request).
 */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): Params {
  const options: Options = {
    level,
    serializers: {
      req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // The hooks below log plain objects: the serializers get them as they are.
    wrapSerializers: false,
  };
  return {
    forRoutes: [],
    pinoHttp: stream ? [options, stream as DestinationStream] : options,
  };
}

/** What a request's log lines say about it (the `req` serializer above keeps the same fields). */
function requestFields(request: FastifyRequest) {
  return { id: request.id, method: request.method, url: request.url, remoteAddress: clientIp(request) };
}

/**
 * One log line per request when its response is sent (`request completed`, as pino-http wrote it:
 * `req`, `res.statusCode`, `responseTime` in ms; level `error` for 5xx). No per-request logging
 * context (AsyncLocalStorage): on Node 20 it puts a hook on every promise, measured at a quarter of
 * the CPU of a small request; the error filter names the request id in what it logs instead.
 */
export function registerRequestLogging(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const root = PinoLogger.root;
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    if (root.isLevelEnabled(level)) {
      root[level](
        {
          req: requestFields(request),
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    }
    done();
  });
}
