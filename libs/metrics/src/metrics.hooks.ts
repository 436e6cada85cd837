import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, onResponseHookHandler, RouteOptions } from 'fastify';
import { type RequestRecorder, UNMATCHED_ROUTE } from './http-request-metrics';
import { MetricsService } from './metrics.service';

type OnResponse = onResponseHookHandler;

/** A route's `onResponse` hooks as an array (Fastify accepts one, an array, or none). */
function hooksOf(hooks: RouteOptions['onResponse']): OnResponse[] {
  if (!hooks) return [];
  return (Array.isArray(hooks) ? hooks : [hooks]) as OnResponse[];
}

/**
 * Records every request in {@link MetricsService} when its response is sent (call before `app.init()`,
 * which registers the routes). Each route gets its own `onResponse` hook, bound at registration to its
 * route pattern (the `route` label: `/api/v2/users/:username`, never the raw URL), so the request path
 * costs no route lookup and no `routeOptions` object; requests no route matched are counted by one
 * global hook under {@link UNMATCHED_ROUTE}.
 */
export function registerMetricsHooks(app: NestFastifyApplication): void {
  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    const pattern = route.url;
    // Most routes serve one method: the last recorder is kept, so the usual request skips the lookup.
    let lastMethod = '';
    let recorder: RequestRecorder | undefined;
    const hook: OnResponse = function (request: FastifyRequest, reply: FastifyReply, done: () => void) {
      if (request.method !== lastMethod || !recorder) {
        lastMethod = request.method;
        recorder = metrics.recorder(pattern, lastMethod);
      }
      recorder.record(reply.statusCode, reply.elapsedTime);
      done();
    };
    route.onResponse = [...hooksOf(route.onResponse), hook];
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (request.is404)
      metrics.recorder(UNMATCHED_ROUTE, request.method).record(reply.statusCode, reply.elapsedTime);
    done();
  });
}
