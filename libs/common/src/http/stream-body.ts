import { RouteConfig } from '@nestjs/platform-fastify';

/** Route config key: the request body is not parsed, the handler reads `request.raw` as a stream. */
export const STREAM_BODY = 'streamBody';

/** Marks an upload route: its body reaches the handler as a stream, whatever its content type. */
export const StreamBody = () => RouteConfig({ [STREAM_BODY]: true });
