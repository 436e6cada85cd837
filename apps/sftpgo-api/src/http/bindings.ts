import type { HttpBindingConfig } from '@app/config';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isAbsolute } from 'node:path';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A binding is served when the REST API is on and it has a port (or a unix socket path). */
function isActive(binding: HttpBindingConfig): boolean {
  return binding.enable_rest_api && (binding.port > 0 || isAbsolute(binding.address));
}

/**
 * The one place where listeners are made: every active `httpd.bindings[]` entry gets its own
 * server, all feeding the same application handler. TLS and per-binding switches grow here.
 */
export class HttpBindings {
  private servers: { binding: HttpBindingConfig; server: Server }[] = [];
  private readonly active: HttpBindingConfig[];

  constructor(bindings: HttpBindingConfig[]) {
    this.active = bindings.filter(isActive);
    if (this.active.length === 0)
      throw new Error('no active binding: enable the REST API on at least one httpd binding');
  }

  /** Fastify's `serverFactory`: builds all servers around its handler, returns the first one. */
  readonly serverFactory = (handler: Handler): Server => {
    this.servers = this.active.map((binding) => ({
      binding,
      server: createServer({ requestTimeout: 0, headersTimeout: 30_000, keepAliveTimeout: 60_000 }, handler),
    }));
    return this.servers[0].server;
  };

  /** Starts every listener; resolves with their addresses (`http://host:port` or the socket path). */
  async listen(): Promise<string[]> {
    const urls: string[] = [];
    for (const { binding, server } of this.servers) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        const done = () => {
          server.off('error', reject);
          resolve();
        };
        if (isAbsolute(binding.address)) server.listen(binding.address, done);
        else if (binding.address) server.listen(binding.port, binding.address, done);
        else server.listen(binding.port, done);
      }).catch((error: Error) => {
        throw new Error(`unable to listen on ${binding.address || '*'}:${binding.port}: ${error.message}`);
      });
      urls.push(
        isAbsolute(binding.address)
          ? binding.address
          : `http://${binding.address || '0.0.0.0'}:${binding.port}`,
      );
    }
    return urls;
  }

  /**
   * Stops accepting connections and waits for in-flight requests; after `graceMs` the remaining
   * connections are cut.
   */
  async close(graceMs: number): Promise<void> {
    await Promise.all(
      this.servers.map(
        ({ server }) =>
          new Promise<void>((resolve) => {
            if (!server.listening) return resolve();
            const timer = setTimeout(() => server.closeAllConnections(), graceMs).unref();
            server.close(() => {
              clearTimeout(timer);
              resolve();
            });
            server.closeIdleConnections();
          }),
      ),
    );
  }
}
