import { formatIPv4, normalizeIpOrNet, parseClientIp, parseIp } from './ip-address';

describe('parseIp (Go netip.ParseAddr)', () => {
  it.each([
    ['1.2.3.4', 4, 0x01020304n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['0.0.0.0', 4, 0n],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['2001:db8::', 6, 0x20010db8n << 96n],
    ['2001:DB8:0:0:0:0:0:1', 6, (0x20010db8n << 96n) | 1n],
    ['1:2:3:4:5:6:7:8', 6, 0x00010002000300040005000600070008n],
    ['::ffff:1.2.3.4', 6, 0xffff01020304n],
    ['1:2:3:4:5:6:1.2.3.4', 6, 0x00010002000300040005000601020304n],
    ['fe80::1%eth0', 6, (0xfe80n << 112n) | 1n],
  ])('%s', (text, family, value) => {
    const ip = parseIp(text);
    expect(ip && { family: ip.family, value: BigInt(ip.value) }).toEqual({ family, value });
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.256',
    '1.2.3.-1',
    ' 1.2.3.4',
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::',
    '1.2.3.4::',
    '::1.2.3.4:5',
    'fe80::1%',
    'abc',
  ])('rejects %j', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  it('reads IPv4-mapped client addresses as IPv4 and ignores zones', () => {
    expect(parseClientIp('::ffff:10.1.2.3')).toEqual({ family: 4, value: 0x0a010203 });
    expect(parseClientIp('fe80::1%eth0')).toMatchObject({ family: 6, value: (0xfe80n << 112n) | 1n });
    expect(parseClientIp('nope')).toBeUndefined();
    expect(formatIPv4(0xc0a80001)).toBe('192.168.0.1');
  });
});

describe('normalizeIpOrNet (SFTPGo IPListEntry.validate)', () => {
  const V4 = '00000000000000000000ffff';

  it.each([
    // bare addresses get their host prefix
    ['192.168.1.1', '192.168.1.1/32', 4, 32, `${V4}c0a80101`, `${V4}c0a80101`],
    [
      '2001:db8::1',
      '2001:db8::1/128',
      6,
      128,
      '20010db8000000000000000000000001',
      '20010db8000000000000000000000001',
    ],
    ['::ffff:10.0.0.1', '10.0.0.1/32', 4, 32, `${V4}0a000001`, `${V4}0a000001`],
    // CIDRs are stored as given, host bits and all; the range is the masked network's
    ['192.168.0.0/24', '192.168.0.0/24', 4, 24, `${V4}c0a80000`, `${V4}c0a800ff`],
    ['192.168.0.1/24', '192.168.0.1/24', 4, 24, `${V4}c0a80000`, `${V4}c0a800ff`],
    ['0.0.0.0/0', '0.0.0.0/0', 4, 0, `${V4}00000000`, `${V4}ffffffff`],
    [
      '2001:DB8::/32',
      '2001:DB8::/32',
      6,
      32,
      '20010db8000000000000000000000000',
      '20010db8ffffffffffffffffffffffff',
    ],
    ['::/0', '::/0', 6, 0, '0'.repeat(32), 'f'.repeat(32)],
    // IPv4-mapped networks become IPv4, masked, with the prefix less 96
    ['::ffff:34.56.78.90/120', '34.56.78.0/24', 4, 24, `${V4}22384e00`, `${V4}22384eff`],
    ['::ffff:34.56.78.90/128', '34.56.78.90/32', 4, 32, `${V4}22384e5a`, `${V4}22384e5a`],
    ['::ffff:0:0/96', '0.0.0.0/0', 4, 0, `${V4}00000000`, `${V4}ffffffff`],
    // ... unless the mask leaves the mapped range: then it is an IPv6 network
    ['::ffff:1.2.3.4/24', '::ffff:1.2.3.4/24', 6, 24, '0'.repeat(32), `000000${'f'.repeat(26)}`],
  ])('%s -> %s', (input, ipornet, ipType, prefix, first, last) => {
    expect(normalizeIpOrNet(input)).toEqual({ ipornet, ipType, prefix, first, last });
  });

  it.each([
    ['', 'invalid IP ""'],
    ['10.0.0', 'invalid IP "10.0.0"'],
    [
      'fe80::1%eth0',
      'invalid network "fe80::1%eth0/128": netip.ParsePrefix("fe80::1%eth0/128"): IPv6 zones cannot be present in a prefix',
    ],
    [
      '10.0.0.0/33',
      'invalid network "10.0.0.0/33": netip.ParsePrefix("10.0.0.0/33"): prefix length out of range',
    ],
    [
      '2001:db8::/129',
      'invalid network "2001:db8::/129": netip.ParsePrefix("2001:db8::/129"): prefix length out of range',
    ],
    [
      '10.0.0.0/024',
      'invalid network "10.0.0.0/024": netip.ParsePrefix("10.0.0.0/024"): bad bits after slash: "024"',
    ],
    ['10.0.0.0/', 'invalid network "10.0.0.0/": netip.ParsePrefix("10.0.0.0/"): bad bits after slash: ""'],
    [
      '10.0.0/8',
      'invalid network "10.0.0/8": netip.ParsePrefix("10.0.0/8"): ParseAddr("10.0.0"): unable to parse IP',
    ],
    [
      '10.0.0.0/8/8',
      'invalid network "10.0.0.0/8/8": netip.ParsePrefix("10.0.0.0/8/8"): ParseAddr("10.0.0.0/8"): unable to parse IP',
    ],
  ])('rejects %j', (input, error) => {
    expect(normalizeIpOrNet(input)).toEqual({ error });
  });
});
