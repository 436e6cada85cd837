import { IpListProtocol } from '../security.types';
import { formatIPv4, normalizeIpOrNet } from './ip-address';
import { type IpListMatchRow, IpListTable } from './ip-list-table';

const { SSH, FTP, HTTP } = IpListProtocol;

/** A stored row for `ipornet` as the service would write it. */
function row(ipornet: string, mode = 1, protocols = 0): IpListMatchRow {
  const network = normalizeIpOrNet(ipornet);
  if ('error' in network) throw new Error(network.error);
  return { ipornet: network.ipornet, mode, protocols, ipType: network.ipType, first: network.first };
}

describe('IpListTable', () => {
  it('matches nothing when empty or for a non-IP', () => {
    expect(new IpListTable().match('10.0.0.1', HTTP)).toBeUndefined();
    expect(IpListTable.of([row('0.0.0.0/0')]).match('not-an-ip', HTTP)).toBeUndefined();
  });

  it('lets the longest prefix win, whatever the insertion order', () => {
    const rows = [row('10.0.0.0/8', 2), row('10.1.0.0/16', 1), row('10.1.2.0/24', 2), row('10.1.2.3', 1)];
    for (const ordered of [rows, [...rows].reverse()]) {
      const table = IpListTable.of(ordered);
      expect(table.match('10.1.2.3', HTTP)).toBe(1);
      expect(table.match('10.1.2.4', HTTP)).toBe(2);
      expect(table.match('10.1.3.1', HTTP)).toBe(1);
      expect(table.match('10.2.0.1', HTTP)).toBe(2);
      expect(table.match('11.0.0.1', HTTP)).toBeUndefined();
    }
  });

  it('matches a /0 network and host bits given in the key', () => {
    const table = IpListTable.of([row('0.0.0.0/0', 1), row('192.168.0.77/24', 2)]);
    expect(table.match('8.8.8.8', HTTP)).toBe(1);
    expect(table.match('192.168.0.1', HTTP)).toBe(2);
  });

  it('skips the entries whose protocols exclude the request protocol', () => {
    const table = IpListTable.of([
      row('10.0.0.0/8', 2, 0),
      row('10.1.0.0/16', 1, SSH | FTP),
      row('10.1.1.0/24', 2, HTTP),
    ]);
    expect(table.match('10.1.2.3', HTTP)).toBe(2); // the /16 is SSH and FTP only: the /8 applies
    expect(table.match('10.1.2.3', SSH)).toBe(1);
    expect(table.match('10.1.1.1', HTTP)).toBe(2);
    expect(table.match('10.1.1.1', FTP)).toBe(1);
  });

  it('prefers deny when two keys name the same network', () => {
    const table = IpListTable.of([row('10.0.0.1/8', 1), row('10.0.0.0/8', 2)]);
    expect(table.match('10.9.9.9', HTTP)).toBe(2);
    table.delete('10.0.0.0/8');
    expect(table.match('10.9.9.9', HTTP)).toBe(1);
  });

  it('matches IPv6, and IPv4-mapped clients against IPv4 entries only', () => {
    const table = IpListTable.of([
      row('2001:db8::/32', 1),
      row('2001:db8:1::/48', 2),
      row('::/0', 2),
      row('::ffff:192.0.2.0/120', 1),
    ]);
    expect(table.match('2001:db8::1', HTTP)).toBe(1);
    expect(table.match('2001:db8:1::5', HTTP)).toBe(2);
    expect(table.match('2001:DB8:2:0::5', HTTP)).toBe(1);
    expect(table.match('fe80::1%eth0', HTTP)).toBe(2);
    expect(table.match('::ffff:192.0.2.9', HTTP)).toBe(1);
    expect(table.match('192.0.2.9', HTTP)).toBe(1);
    expect(table.match('::ffff:198.51.100.1', HTTP)).toBeUndefined();
  });

  it('applies puts and deletes at once', () => {
    const table = IpListTable.of([row('10.0.0.0/8', 1)]);
    table.put({ ...row('10.0.0.0/8', 2) });
    expect(table.match('10.0.0.1', HTTP)).toBe(2);
    table.put(row('10.0.0.0/24', 1, SSH));
    expect(table.match('10.0.0.1', HTTP)).toBe(2);
    expect(table.match('10.0.0.1', SSH)).toBe(1);
    table.delete('10.0.0.0/8');
    table.delete('10.0.0.0/8');
    expect(table.match('10.0.0.1', HTTP)).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it('holds 100,000 entries and answers each lookup correctly', () => {
    // 100,000 /32 hosts in 10.0.0.0/8 (mode 1), one in ten /24 networks denied (mode 2), and IPv6 hosts.
    const rows: IpListMatchRow[] = [];
    for (let i = 0; i < 90_000; i += 1) rows.push(row(formatIPv4(0x0a000000 + i * 7), 1));
    for (let i = 0; i < 5_000; i += 1) rows.push(row(`${formatIPv4(0xac000000 + i * 256)}/24`, 2));
    for (let i = 0; i < 5_000; i += 1) rows.push(row(`2001:db8::${i.toString(16)}`, 1, HTTP));
    const table = IpListTable.of(rows);
    expect(table.size).toBe(100_000);
    let wrong = 0;
    for (let i = 0; i < 90_000; i += 1) {
      if (table.match(formatIPv4(0x0a000000 + i * 7), HTTP) !== 1) wrong += 1;
      if (table.match(formatIPv4(0x0a000000 + i * 7 + 1), HTTP) !== undefined) wrong += 1;
    }
    for (let i = 0; i < 5_000; i += 1) {
      if (table.match(formatIPv4(0xac000000 + i * 256 + (i % 256)), HTTP) !== 2) wrong += 1;
      if (table.match(`2001:db8::${i.toString(16)}`, HTTP) !== 1) wrong += 1;
      if (table.match(`2001:db8::${i.toString(16)}`, SSH) !== undefined) wrong += 1;
    }
    expect(wrong).toBe(0);
    expect(table.match('172.19.136.1', HTTP)).toBeUndefined(); // past the 5,000 /24 networks
  });
});
