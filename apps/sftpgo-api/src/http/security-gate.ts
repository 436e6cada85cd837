import { clientIp } from '@app/common';
import type { SecurityGate } from '@app/security';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The security gate first on every request (SFTPGo's `checkConnection`), before the edge hooks,
 * routing and authentication: a refused client costs one lookup, nothing else.
 */
export function registerSecurityGate(fastify: FastifyInstance, gate: SecurityGate): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const refusal = await gate.check(clientIp(request));
    if (refusal) return reply.code(refusal.status).headers(refusal.headers).send(refusal.body());
  });
}
