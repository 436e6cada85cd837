import { ipInCidrs, normalizeIp } from './client-ip';

describe('normalizeIp', () => {
  it('unwraps IPv4-mapped IPv6 addresses', () => {
    expect(normalizeIp('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });

  it('leaves IPv4 and other IPv6 addresses untouched', () => {
    expect(normalizeIp('1.2.3.4')).toBe('1.2.3.4');
    expect(normalizeIp('2001:db8::1')).toBe('2001:db8::1');
    expect(normalizeIp('::1')).toBe('::1');
    expect(normalizeIp('::ffff:abcd')).toBe('::ffff:abcd');
  });

  it('gives an empty string for a missing address', () => {
    expect(normalizeIp(undefined)).toBe('');
    expect(normalizeIp('')).toBe('');
  });
});

describe('ipInCidrs', () => {
  it('never matches malformed entries (no catch-all from an empty or odd prefix, no crash)', () => {
    for (const bad of [
      '10.0.0.0/-0',
      '10.0.0.0/',
      '10.0.0.0/ ',
      '10.0.0.0/8/9',
      '10.0.0.0/0x8',
      '10.0.0.0/1e1',
      '10.0.0.0/33',
      '10.0.0.1',
      'x/8',
    ]) {
      expect({ bad, match: ipInCidrs('10.1.2.3', [bad]) }).toEqual({ bad, match: false });
    }
    expect(ipInCidrs('not-an-ip', ['0.0.0.0/0'])).toBe(false);
  });

  it('matches IPv4 clients against IPv4 networks, boundaries included', () => {
    const cidrs = ['192.0.2.0/24', '10.0.0.0/8'];
    expect(ipInCidrs('192.0.2.0', cidrs)).toBe(true);
    expect(ipInCidrs('192.0.2.255', cidrs)).toBe(true);
    expect(ipInCidrs('10.255.1.2', cidrs)).toBe(true);
    expect(ipInCidrs('192.0.3.0', cidrs)).toBe(false);
    expect(ipInCidrs('11.0.0.1', cidrs)).toBe(false);
  });

  it('matches a single host with /32', () => {
    expect(ipInCidrs('203.0.113.7', ['203.0.113.7/32'])).toBe(true);
    expect(ipInCidrs('203.0.113.8', ['203.0.113.7/32'])).toBe(false);
  });

  it('matches IPv6 clients against IPv6 networks', () => {
    const cidrs = ['2001:db8::/32'];
    expect(ipInCidrs('2001:db8::1', cidrs)).toBe(true);
    expect(ipInCidrs('2001:db8:ffff:ffff::1', cidrs)).toBe(true);
    expect(ipInCidrs('2001:db9::1', cidrs)).toBe(false);
    expect(ipInCidrs('::1', ['::1/128'])).toBe(true);
  });

  it('compares IPv4-mapped IPv6 clients as IPv4', () => {
    expect(ipInCidrs('::ffff:192.0.2.10', ['192.0.2.0/24'])).toBe(true);
    expect(ipInCidrs('::ffff:198.51.100.1', ['192.0.2.0/24'])).toBe(false);
  });

  it('ignores invalid entries and still matches the valid ones', () => {
    const cidrs = ['not-a-cidr', '192.0.2.0', '192.0.2.0/abc', '192.0.2.0/33', '300.1.1.0/24', '10.0.0.0/8'];
    expect(ipInCidrs('192.0.2.1', cidrs)).toBe(false);
    expect(ipInCidrs('10.1.2.3', cidrs)).toBe(true);
    expect(ipInCidrs('2001:db8::1', ['2001:db8::/129'])).toBe(false);
  });

  it('never matches across address families', () => {
    expect(ipInCidrs('192.0.2.1', ['::/0'])).toBe(false);
    expect(ipInCidrs('2001:db8::1', ['0.0.0.0/0'])).toBe(false);
    expect(ipInCidrs('0.0.0.0', ['::/0'])).toBe(false);
  });

  it('matches everything of the family with /0', () => {
    expect(ipInCidrs('8.8.8.8', ['0.0.0.0/0'])).toBe(true);
    expect(ipInCidrs('2606:4700::1', ['::/0'])).toBe(true);
  });

  it('is false for an empty list, an empty or invalid client address', () => {
    expect(ipInCidrs('192.0.2.1', [])).toBe(false);
    expect(ipInCidrs('', ['0.0.0.0/0', '::/0'])).toBe(false);
    expect(ipInCidrs('garbage', ['0.0.0.0/0', '::/0'])).toBe(false);
  });
});
