import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';
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
 * token or API key.
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
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
  };
  return {
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: stream ? [options, stream as DestinationStream] : options,
  };
}
