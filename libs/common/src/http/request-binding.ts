import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { normalizeIp } from '../util/client-ip';

/** What a request needs to know about the binding (listener) that accepted it. */
export interface BindingContext {
  /** True when the TCP peer is one of the binding's `proxy_allowed` proxies. */
  isTrustedProxy(peer: string): boolean;
  /** `client_ip_proxy_header`, lower-case; "" = none. */
  clientIpHeader: string;
  /** `client_ip_header_depth`: 0 = the rightmost address of the header. */
  clientIpHeaderDepth: number;
  /** `disabled_login_methods` bits. */
  disabledLoginMethods: number;
  /** HTTPS with `client_auth_type` 1: every request carries a verified client certificate. */
  clientCertificates: boolean;
  /** `public_metrics`: `GET /metrics` needs no credentials on this binding. */
  publicMetrics?: boolean;
}

/** `disabled_login_methods` bits of the REST API. */
export const DisabledLoginMethod = {
  AdminToken: 16,
  UserToken: 32,
  AdminApiKey: 64,
  UserApiKey: 128,
} as const;

/** A Fastify request (its Node request in `raw`) or a Node request. */
export type AnyRequest = { raw: IncomingMessage } | IncomingMessage;

const BINDING = Symbol('sftpgo.binding');
const CLIENT_IP = Symbol('sftpgo.clientIp');

type Tagged = IncomingMessage & { [BINDING]?: BindingContext; [CLIENT_IP]?: string };

function rawOf(request: AnyRequest): Tagged {
  return ('raw' in request ? request.raw : request) as Tagged;
}

/** Tags a Node request with the binding that accepted it (done by the listener, before any routing). */
export function attachBinding(raw: IncomingMessage, binding: BindingContext): void {
  (raw as Tagged)[BINDING] = binding;
}

/** The binding that accepted the request (undefined for a request that did not come through one). */
export function requestBinding(request: AnyRequest): BindingContext | undefined {
  return rawOf(request)[BINDING];
}

/** True when the request's binding disables this login method (a {@link DisabledLoginMethod} bit). */
export function isLoginMethodDisabled(request: AnyRequest, bit: number): boolean {
  return ((requestBinding(request)?.disabledLoginMethods ?? 0) & bit) !== 0;
}

/**
 * SFTPGo's `GetRealIP`: the addresses of every value of the header, comma separated, counted from
 * the right (`depth` 0 = the rightmost, the one the nearest proxy added); undefined when there is no
 * such position or it is not an IP address.
 */
export function forwardedIp(value: string | string[] | undefined, depth: number): string | undefined {
  if (value === undefined) return undefined;
  const addresses = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(','));
  const candidate = addresses[addresses.length - 1 - depth]?.trim();
  return candidate && isIP(candidate) !== 0 ? normalizeIp(candidate) : undefined;
}

/**
 * The client IP of a request, computed once and cached on it: the TCP peer, or the address the
 * binding's `client_ip_proxy_header` names when the peer is one of its `proxy_allowed` proxies (a
 * header from anybody else, or a malformed one, is ignored). Every IP check and log line uses this.
 */
export function clientIp(request: AnyRequest): string {
  const raw = rawOf(request);
  const cached = raw[CLIENT_IP];
  if (cached !== undefined) return cached;
  const peer = normalizeIp(raw.socket?.remoteAddress);
  let ip = peer;
  const binding = raw[BINDING];
  if (binding?.clientIpHeader && binding.isTrustedProxy(peer)) {
    ip = forwardedIp(raw.headers[binding.clientIpHeader], binding.clientIpHeaderDepth) ?? peer;
  }
  raw[CLIENT_IP] = ip;
  return ip;
}

/**
 * The common name of the request's client certificate on a binding that requires one (verified at
 * the handshake); undefined on other bindings.
 */
export function clientCertificateName(request: AnyRequest): string | undefined {
  const raw = rawOf(request);
  if (!raw[BINDING]?.clientCertificates) return undefined;
  const socket = raw.socket as Partial<TLSSocket>;
  const cn = socket.getPeerCertificate?.().subject?.CN;
  return (Array.isArray(cn) ? cn[0] : cn) ?? '';
}

/**
 * Beyond SFTPGo (where `tls_username` only concerns FTP/WebDAV): a user with `filters.tls_username`
 * `CommonName`, on a binding requiring client certificates (`certificateName` defined, see
 * {@link clientCertificateName}), must present one whose CN is their username. Returns the reason to
 * refuse (403), or undefined. Every way a user authenticates calls it.
 */
export function tlsUsernameProblem(
  certificateName: string | undefined,
  username: string,
  tlsUsername: string | undefined,
): string | undefined {
  if (tlsUsername !== 'CommonName' || certificateName === undefined || certificateName === username) {
    return undefined;
  }
  return `TLS certificate common name "${certificateName}" does not match the username "${username}"`;
}

/** Injects {@link clientIp} of the request into a handler parameter. */
export const ClientIp = createParamDecorator((_data: unknown, ctx: ExecutionContext): string =>
  clientIp(ctx.switchToHttp().getRequest<AnyRequest>()),
);

/** Who is at the other end: the client IP and, on client-certificate bindings, the certificate's CN. */
export interface ClientPeer {
  ip: string;
  certificateName?: string;
}

/** The {@link ClientPeer} of a request. */
export function clientPeer(request: AnyRequest): ClientPeer {
  return { ip: clientIp(request), certificateName: clientCertificateName(request) };
}

/** Injects the request's {@link ClientPeer} into a handler parameter. */
export const Peer = createParamDecorator((_data: unknown, ctx: ExecutionContext): ClientPeer =>
  clientPeer(ctx.switchToHttp().getRequest<AnyRequest>()),
);
