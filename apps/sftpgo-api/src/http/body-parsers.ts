import { STREAM_BODY } from '@app/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** SFTPGo's limit for a normal (JSON) request body. */
export const MAX_REQUEST_SIZE = 1024 * 1024;

class BodyTooLargeError extends Error {
  readonly statusCode = 413;
  readonly code = 'FST_ERR_CTP_BODY_TOO_LARGE';
  constructor() {
    super('http: request body too large');
  }
}

function isStreamRoute(request: FastifyRequest): boolean {
  const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
  return config?.[STREAM_BODY] === true;
}

/**
 * Content-type parsing for the whole API. As SFTPGo (which decodes JSON whatever the Content-Type,
 * so `curl -d '{...}'` works), every body is parsed as JSON (1 MiB at most), except on routes marked
 * `@StreamBody()`: there nothing is buffered, the body stays on `request.raw` for the handler to
 * stream (uploads of any type and size).
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request, payload, done) => {
    if (isStreamRoute(request)) return done(null, undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_SIZE) {
        payload.removeAllListeners('data');
        payload.resume();
        done(new BodyTooLargeError(), undefined);
        return;
      }
      chunks.push(chunk);
    });
    payload.on('end', () => {
      if (size > MAX_REQUEST_SIZE) return;
      parseJson(request, Buffer.concat(chunks).toString('utf8'), done);
    });
    payload.on('error', (error) => done(error, undefined));
  });
}
