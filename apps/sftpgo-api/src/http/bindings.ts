import { attachBinding, type BindingContext } from '@app/common';
import type { HttpBindingConfig, HttpdConfig } from '@app/config';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { isAbsolute } from 'node:path';
import type { Server as TlsServer } from 'node:tls';
import { tlsOptions } from './tls';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * At most this many request headers (SFTPGo's Go server has no count limit, only a size one): more
 * is refused with 431 before any routing, so a flood of headers costs little.
 */
export const MAX_HEADERS_COUNT = 100;
/** Total size of the request line and headers (Node's default); over it Node answers 431 and closes. */
export const MAX_HEADER_SIZE = 16 * 1024;

/** A binding as the request hooks see it: the shared context plus its whole configuration. */
export interface ServedBinding extends BindingContext {
  /** Position in `httpd.bindings` (names the binding in messages). */
  index: number;
  config: HttpBindingConfig;
  /** Served over TLS. */
  https: boolean;
}

/** SFTPGo skips a binding with everything off; one without a port (or unix socket path) has nothing to listen on. */
function isActive(binding: HttpBindingConfig): boolean {
  const anything = binding.enable_rest_api || binding.enable_web_admin || binding.enable_web_client;
  return anything && (binding.port > 0 || isAbsolute(binding.address));
}

/** `proxy_allowed` (IPs and CIDRs, validated by the config loader) as a matcher. */
function proxyMatcher(entries: readonly string[]): (peer: string) => boolean {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.trim().split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (peer) => {
    const family = isIP(peer);
    return family !== 0 && list.check(peer, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** The per-request view of a binding. */
export function servedBinding(config: HttpBindingConfig, index = 0): ServedBinding {
  return {
    index,
    config,
    https: config.enable_https,
    isTrustedProxy: proxyMatcher(config.proxy_allowed),
    clientIpHeader: config.client_ip_proxy_header.toLowerCase(),
    clientIpHeaderDepth: config.client_ip_header_depth,
    disabledLoginMethods: config.disabled_login_methods,
    clientCertificates: config.enable_https && config.client_auth_type === 1,
    publicMetrics: config.public_metrics,
  };
}

/** Refuses a request with too many headers (431, connection closed), in SFTPGo's error shape. */
function tooManyHeaders(res: ServerResponse): void {
  res.shouldKeepAlive = false;
  res.writeHead(431, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(JSON.stringify({ error: 'too many request headers', message: 'Request Header Fields Too Large' }));
}

/**
 * The one place where listeners are made: every active `httpd.bindings[]` entry gets its own server
 * (HTTP, or HTTPS with its certificate, TLS versions, ciphers and client certificates), all feeding
 * the same application handler. Each request is tagged with the binding that accepted it, whose
 * switches the request hooks and the client IP read.
 */
export class HttpBindings {
  private servers: { binding: ServedBinding; server: Server }[] = [];
  private readonly active: ServedBinding[];

  constructor(
    bindings: HttpBindingConfig[],
    private readonly httpd: HttpdConfig,
  ) {
    this.active = bindings.map(servedBinding).filter((b) => isActive(b.config));
    if (!this.active.some((b) => b.config.enable_rest_api))
      throw new Error('no active binding: enable the REST API on at least one httpd binding');
    // Certificates are read now: a binding asking for HTTPS without a usable one stops the start
    // (SFTPGo would silently serve plain HTTP).
    for (const binding of this.active)
      if (binding.https) tlsOptions(binding.config, this.httpd, bindingName(binding));
  }

  /** Fastify's `serverFactory`: builds all servers around its handler, returns the first one. */
  readonly serverFactory = (handler: Handler): Server => {
    this.servers = this.active.map((binding) => {
      const serve: Handler = (req, res) => {
        attachBinding(req, binding);
        // Node itself answers 400 past `maxHeadersCount` (2000); headers are bounded by size anyway.
        if (req.rawHeaders.length > MAX_HEADERS_COUNT * 2) return tooManyHeaders(res);
        handler(req, res);
      };
      const options: ServerOptions = {
        requestTimeout: 0,
        headersTimeout: 30_000,
        keepAliveTimeout: 60_000,
        maxHeaderSize: MAX_HEADER_SIZE,
      };
      const server = binding.https
        ? (createHttpsServer(
            { ...options, ...tlsOptions(binding.config, this.httpd, bindingName(binding)) },
            serve,
          ) as unknown as Server)
        : createServer(options, serve);
      return { binding, server };
    });
    return this.servers[0].server;
  };

  /**
   * Re-reads the certificates, CAs and CRLs of every HTTPS binding (SIGHUP): new connections use
   * them, open ones are not dropped. A binding whose files are now unusable keeps its current ones;
   * the errors are returned (one per such binding).
   */
  reloadCertificates(): Error[] {
    const errors: Error[] = [];
    this.servers.forEach(({ binding, server }) => {
      if (!binding.https) return;
      try {
        (server as unknown as TlsServer).setSecureContext(
          tlsOptions(binding.config, this.httpd, bindingName(binding)),
        );
      } catch (error) {
        errors.push(error as Error);
      }
    });
    return errors;
  }

  /** Starts every listener; resolves with their addresses (`http(s)://host:port` or the socket path). */
  async listen(): Promise<string[]> {
    const urls: string[] = [];
    for (const { binding, server } of this.servers) {
      const { address, port } = binding.config;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        const done = () => {
          server.off('error', reject);
          resolve();
        };
        if (isAbsolute(address)) server.listen(address, done);
        else if (address) server.listen(port, address, done);
        else server.listen(port, done);
      }).catch((error: Error) => {
        throw new Error(`unable to listen on ${address || '*'}:${port}: ${error.message}`);
      });
      const scheme = binding.https ? 'https' : 'http';
      urls.push(isAbsolute(address) ? address : `${scheme}://${address || '0.0.0.0'}:${port}`);
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

/** How messages name a binding: its key path. */
function bindingName(binding: ServedBinding): string {
  return `httpd.bindings[${binding.index}]`;
}
