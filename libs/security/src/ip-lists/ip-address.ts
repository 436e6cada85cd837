/** A parsed IP address: IPv4 as an unsigned 32-bit number, IPv6 as a 128-bit bigint. */
export type ParsedIp = { family: 4; value: number } | { family: 6; value: bigint; zone: string };

const V4_IN_V6_PREFIX = 0xffffn;
const ALL_ONES_128 = (1n << 128n) - 1n;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** IPv4 masks by prefix length (`<< 32` is a no-op in JavaScript, hence the table). */
const V4_MASKS = Array.from({ length: 33 }, (_, bits) =>
  bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0,
);
/** IPv6 masks by prefix length. */
const V6_MASKS = Array.from(
  { length: 129 },
  (_, bits) => (ALL_ONES_128 << BigInt(128 - bits)) & ALL_ONES_128,
);

/** The network part of an IPv4 address for a prefix length. */
export function maskV4(value: number, bits: number): number {
  return (value & V4_MASKS[bits]) >>> 0;
}

/** The network part of an IPv6 address for a prefix length. */
export function maskV6(value: bigint, bits: number): bigint {
  return value & V6_MASKS[bits];
}

/** Go's strict dotted decimal (`netip.ParseAddr`): four fields 0-255, no leading zeros. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3 || (part.length > 1 && part[0] === '0')) return undefined;
    let octet = 0;
    for (let i = 0; i < part.length; i += 1) {
      const digit = part.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return undefined;
      octet = octet * 10 + digit;
    }
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** An IPv6 address without zone (`::`, hex groups, an IPv4 tail), as Go's `netip.ParseAddr` reads it. */
function parseIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups: bigint[][] = [];
  let count = 0;
  for (let h = 0; h < halves.length; h += 1) {
    const words: bigint[] = [];
    const half = halves[h];
    if (half !== '') {
      const fields = half.split(':');
      for (let f = 0; f < fields.length; f += 1) {
        const field = fields[f];
        const isTail = h === halves.length - 1 && f === fields.length - 1;
        if (isTail && field.includes('.')) {
          const v4 = parseIPv4(field);
          if (v4 === undefined) return undefined;
          words.push(BigInt(v4 >>> 16), BigInt(v4 & 0xffff));
        } else if (HEX_GROUP.test(field)) {
          words.push(BigInt(parseInt(field, 16)));
        } else {
          return undefined;
        }
      }
    }
    count += words.length;
    groups.push(words);
  }
  // Without `::` all eight groups are spelled; with it, `::` stands for at least one group.
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const words =
    halves.length === 1 ? groups[0] : [...groups[0], ...Array<bigint>(8 - count).fill(0n), ...groups[1]];
  let value = 0n;
  for (const word of words) value = (value << 16n) | word;
  return value;
}

/** Parses an IP address as Go's `netip.ParseAddr` does (IPv6 may carry a `%zone`); undefined when invalid. */
export function parseIp(text: string): ParsedIp | undefined {
  if (!text.includes(':')) {
    const value = parseIPv4(text);
    return value === undefined ? undefined : { family: 4, value };
  }
  const percent = text.indexOf('%');
  const zone = percent < 0 ? '' : text.slice(percent + 1);
  if (percent >= 0 && zone === '') return undefined;
  const value = parseIPv6(percent < 0 ? text : text.slice(0, percent));
  return value === undefined ? undefined : { family: 6, value, zone };
}

/** True for `::ffff:a.b.c.d`. */
export function isV4InV6(value: bigint): boolean {
  return value >> 32n === V4_IN_V6_PREFIX;
}

/**
 * A client address for matching: IPv4-mapped IPv6 becomes IPv4 (as SFTPGo's ranger does), zones are
 * dropped; undefined when `text` is not an IP.
 */
export function parseClientIp(text: string): ParsedIp | undefined {
  const ip = parseIp(text);
  if (ip?.family === 6 && isV4InV6(ip.value)) return { family: 4, value: Number(ip.value & 0xffffffffn) };
  return ip;
}

/** `a.b.c.d` of a 32-bit number. */
export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** An IP list network after SFTPGo's validation: the key as stored and its range. */
export interface NormalizedNetwork {
  /** The stored key: a bare IP gets `/32` or `/128`; IPv4-mapped networks become IPv4; others as given. */
  ipornet: string;
  ipType: 4 | 6;
  /** Prefix length within the family (0-32 for IPv4). */
  prefix: number;
  /** First and last address, 32 hex digits (IPv4 in the IPv4-mapped range). */
  first: string;
  last: string;
}

/** Go's `%q` for the texts that reach an error message. */
function quote(text: string): string {
  return JSON.stringify(text);
}

/** Go's `netip.ParsePrefix` errors. */
function prefixProblem(text: string): string | { address: ParsedIp; bits: number } {
  const where = `netip.ParsePrefix(${quote(text)})`;
  const slash = text.lastIndexOf('/');
  if (slash < 0) return `${where}: no '/'`;
  const addressText = text.slice(0, slash);
  const bitsText = text.slice(slash + 1);
  const address = parseIp(addressText);
  if (!address) return `${where}: ParseAddr(${quote(addressText)}): unable to parse IP`;
  if (address.family === 6 && address.zone) return `${where}: IPv6 zones cannot be present in a prefix`;
  if (!/^(0|[1-9]\d*)$/.test(bitsText)) return `${where}: bad bits after slash: ${quote(bitsText)}`;
  const bits = Number(bitsText);
  if (bits > (address.family === 4 ? 32 : 128)) return `${where}: prefix length out of range`;
  return { address, bits };
}

/**
 * SFTPGo's `IPListEntry.validate` for the network: returns the normalised network, or the error
 * detail (`invalid IP "x"`, `invalid network "x": ...`).
 */
export function normalizeIpOrNet(input: string): NormalizedNetwork | { error: string } {
  let ipornet = input;
  if (!ipornet.includes('/')) {
    const ip = parseIp(ipornet);
    if (!ip) return { error: `invalid IP ${quote(ipornet)}` };
    if (ip.family === 4) ipornet += '/32';
    else if (isV4InV6(ip.value)) ipornet = `${formatIPv4(Number(ip.value & 0xffffffffn))}/32`;
    else ipornet += '/128';
  }
  const parsed = prefixProblem(ipornet);
  if (typeof parsed === 'string') return { error: `invalid network ${quote(ipornet)}: ${parsed}` };
  const { address, bits } = parsed;
  if (address.family === 4) {
    const first = maskV4(address.value, bits);
    const last = (first | ~V4_MASKS[bits]) >>> 0;
    return {
      ipornet,
      ipType: 4,
      prefix: bits,
      first: hexOfV6((V4_IN_V6_PREFIX << 32n) | BigInt(first)),
      last: hexOfV6((V4_IN_V6_PREFIX << 32n) | BigInt(last)),
    };
  }
  const first = maskV6(address.value, bits);
  const last = first | (~V6_MASKS[bits] & ALL_ONES_128);
  if (isV4InV6(first)) {
    // Only possible with 96 bits or more: the IPv4 network, masked.
    ipornet = `${formatIPv4(Number(first & 0xffffffffn))}/${bits - 96}`;
    return { ipornet, ipType: 4, prefix: bits - 96, first: hexOfV6(first), last: hexOfV6(last) };
  }
  return { ipornet, ipType: 6, prefix: bits, first: hexOfV6(first), last: hexOfV6(last) };
}

const ZEROS = Array.from({ length: 33 }, (_, n) => '0'.repeat(n));

/** An IPv6 address as 32 lower-case hex digits: fixed length, so text order is numeric order. */
export function hexOfV6(value: bigint): string {
  return value.toString(16).padStart(32, '0');
}

/** The network part of an IPv6 address given as 32 hex digits, for a prefix length. */
export function maskHexV6(hex: string, bits: number): string {
  const whole = bits >> 2;
  const rest = bits & 3;
  if (rest === 0) return hex.slice(0, whole) + ZEROS[32 - whole];
  const nibble = parseInt(hex[whole], 16) & (0xf0 >> rest) & 0xf;
  return hex.slice(0, whole) + nibble.toString(16) + ZEROS[31 - whole];
}

/** The network of a stored entry as matched in memory: IPv4 as a number, IPv6 as 32 hex digits. */
export function networkOf(ipType: number, first: string): number | string {
  return ipType === 4 ? parseInt(first.slice(24), 16) : first;
}
