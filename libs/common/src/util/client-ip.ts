import { BlockList, isIPv4 } from 'node:net';

/** The client IP as SFTPGo prints it: IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) become IPv4. */
export function normalizeIp(ip: string | undefined): string {
  if (!ip) return '';
  if (ip.startsWith('::ffff:') && isIPv4(ip.slice(7))) return ip.slice(7);
  return ip;
}

/**
 * True when `ip` falls in one of the CIDR networks (`192.0.2.0/24`, `2001:db8::/32`); invalid
 * entries never match. IPv4-mapped IPv6 clients are compared as IPv4.
 */
export function ipInCidrs(ip: string, cidrs: readonly string[]): boolean {
  const client = normalizeIp(ip);
  const family = isIPv4(client) ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, bits] = cidr.split('/');
    const prefix = Number(bits);
    const netFamily = isIPv4(network) ? 'ipv4' : 'ipv6';
    if (netFamily !== family || !Number.isInteger(prefix)) continue;
    try {
      list.addSubnet(network, prefix, netFamily);
    } catch {
      continue;
    }
  }
  try {
    return list.check(client, family);
  } catch {
    return false;
  }
}
