import { DisabledLoginMethod, requestBinding } from '@app/common';
import type { HttpdConfig } from '@app/config';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServedBinding } from './bindings';
import { CorsPolicy } from './cors';
import { SecurityPolicy } from './security';

const API_PREFIX = '/api/v2';
/** Token routes a binding's `disabled_login_methods` can remove. */
const TOKEN_ROUTES: ReadonlyArray<{ path: string; bit: number }> = [
  { path: `${API_PREFIX}/token`, bit: DisabledLoginMethod.AdminToken },
  { path: `${API_PREFIX}/user/token`, bit: DisabledLoginMethod.UserToken },
];

/** The request path without query string and trailing slashes (the router ignores them too). */
function pathOf(url: string): string {
  const path = url.split('?', 1)[0];
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/** True when the binding does not serve this path (SFTPGo does not register the route there). */
function isRouteRemoved(binding: ServedBinding, path: string): boolean {
  const api = path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
  if (api && !binding.config.enable_rest_api) return true;
  return TOKEN_ROUTES.some((r) => r.path === path && (binding.disabledLoginMethods & r.bit) !== 0);
}

function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ message: 'Not Found' });
}

/**
 * The per-binding edge of every request, in SFTPGo's middleware order, before routing and
 * authentication: `security` (host check, HTTPS redirect, headers), CORS (`httpd.cors`), then the
 * routes a binding does not serve (`enable_rest_api` false: all of `/api/v2`; `disabled_login_methods`
 * 16/32: the token routes), answered 404 `{"message":"Not Found"}` as SFTPGo's router does.
 */
export function registerEdgeHooks(fastify: FastifyInstance, httpd: HttpdConfig): void {
  const cors = httpd.cors.enabled ? new CorsPolicy(httpd.cors) : undefined;
  const security = new WeakMap<ServedBinding, SecurityPolicy>();
  const securityOf = (binding: ServedBinding): SecurityPolicy | undefined => {
    if (!binding.config.security.enabled) return undefined;
    let policy = security.get(binding);
    if (!policy) security.set(binding, (policy = new SecurityPolicy(binding.config.security)));
    return policy;
  };

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const binding = requestBinding(request) as ServedBinding | undefined;
    if (!binding) return;
    const policy = securityOf(binding);
    if (policy) {
      const outcome = policy.handle(request, binding.https);
      if (outcome.kind === 'bad-host') {
        const message = `The host ${JSON.stringify(outcome.host)} is not allowed`;
        return reply.code(403).send({ error: message, message });
      }
      if (outcome.kind === 'redirect') return reply.code(307).header('location', outcome.location).send();
      reply.headers(outcome.headers);
    }
    if (cors) {
      const outcome = cors.handle(request);
      reply.headers(outcome.headers);
      if (outcome.answer !== undefined) return reply.code(outcome.answer).send();
    }
    if (isRouteRemoved(binding, pathOf(request.url))) return notFound(reply);
  });
}
