import { dirEntryJson, rfc3339 } from './dir-entry';

const DIR = 0x80000000 + 0o755;
const LINK = 0x8000000 + 0o777;

describe('dirEntryJson', () => {
  it('writes SFTPGo entries: sorted keys, size only for regular files, RFC 3339 seconds', () => {
    const mtime = Date.UTC(2024, 4, 1, 10, 20, 30, 999);
    const file = { name: 'a.txt', size: 12, mode: 0o644, mtime, isDir: false, isSymlink: false };
    expect(dirEntryJson(file)).toBe(
      '{"last_modified":"2024-05-01T10:20:30Z","mode":420,"name":"a.txt","size":12}',
    );
    const dir = { ...file, name: 'd', mode: DIR, isDir: true };
    expect(JSON.parse(dirEntryJson(dir))).toEqual({
      last_modified: '2024-05-01T10:20:30Z',
      mode: DIR,
      name: 'd',
    });
    const link = { ...file, name: 'l', mode: LINK, isSymlink: true };
    expect(JSON.parse(dirEntryJson(link))).not.toHaveProperty('size');
  });

  it('escapes names as JSON does', () => {
    const name = 'quo"te\\back\nline\u0001 ü 🙂';
    const info = { name, size: 0, mode: 0o600, mtime: 0, isDir: false, isSymlink: false };
    expect(JSON.parse(dirEntryJson(info)).name).toBe(name);
  });

  it('formats each second, also when it changes between calls', () => {
    expect(rfc3339(1000)).toBe('1970-01-01T00:00:01Z');
    expect(rfc3339(1999)).toBe('1970-01-01T00:00:01Z');
    expect(rfc3339(2000)).toBe('1970-01-01T00:00:02Z');
    expect(rfc3339(-1)).toBe('1969-12-31T23:59:59Z');
  });
});
