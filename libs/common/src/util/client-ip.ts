import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** The client IP as SFTPGo prints it: IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) become IPv4. */
export function normalizeIp(ip: string | undefined): string {
  if (!ip) return '';
  if (ip.startsWith('::ffff:') && isIPv4(ip.slice(7))) return ip.slice(7);
  return ip;
}

/** A parsed CIDR network. */
export interface Cidr {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/**
 * Parses `192.0.2.0/24` or `2001:db8::/32` strictly (exactly one `/`, a decimal prefix within the
 * family's range, a literal address); undefined for anything else, including a bare IP.
 */
export function parseCidr(cidr: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!match) return undefined;
  const [, network, bits] = match;
  const family = isIPv4(network) ? 'ipv4' : isIPv6(network) ? 'ipv6' : undefined;
  const prefix = Number(bits);
  if (!family || prefix > (family === 'ipv4' ? 32 : 128)) return undefined;
  return { network, prefix, family };
}

/**
 * True when `ip` falls in one of the CIDR networks (`192.0.2.0/24`, `2001:db8::/32`); invalid
 * entries never match. IPv4-mapped IPv6 clients are compared as IPv4.
 */
export function ipInCidrs(ip: string, cidrs: readonly string[]): boolean {
  const client = normalizeIp(ip);
  const family = isIPv4(client) ? 'ipv4' : isIPv6(client) ? 'ipv6' : undefined;
  if (!family) return false;
  const list = new BlockList();
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (cidr?.family === family) list.addSubnet(cidr.network, cidr.prefix, cidr.family);
  }
  return list.check(client, family);
}

/**
 * SFTPGo's user IP filters: no lists -> allowed; an IP in `allowed` is allowed (even if also denied,
 * as SFTPGo's code does); else one in `denied` is refused; else allowed only when `allowed` is empty.
 */
export function isIpAllowed(
  ip: string,
  allowed: readonly string[] = [],
  denied: readonly string[] = [],
): boolean {
  if (allowed.length > 0 && ipInCidrs(ip, allowed)) return true;
  if (denied.length > 0 && ipInCidrs(ip, denied)) return false;
  return allowed.length === 0;
}
