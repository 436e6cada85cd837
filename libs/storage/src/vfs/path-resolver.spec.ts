import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FilesystemConfig, FsProvider } from '../filesystem-config.types';
import type { Filesystem } from './filesystem';
import { InvalidMountError, InvalidPathError, UnsupportedProviderError } from './fs-errors';
import { LocalFilesystem } from './local-filesystem';
import {
  canonicalizeVirtualPath,
  isVirtualPathWithin,
  type MountSpec,
  type StorageUser,
  type StorageVirtualFolder,
  UserVfs,
} from './path-resolver';

describe('canonicalizeVirtualPath', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['.', '/'],
    ['..', '/'],
    ['../..', '/'],
    ['/../../etc', '/etc'],
    ['../../etc/passwd', '/etc/passwd'],
    ['\\..\\..\\etc', '/etc'],
    ['\\s3\\..\\local\\secret.txt', '/local/secret.txt'],
    ['/local\\subdir/x', '/local/subdir/x'],
    ['//s3//x', '/s3/x'],
    ['/s3/../../secret.txt', '/secret.txt'],
    ['/a/./b/../c', '/a/c'],
    ['a/b', '/a/b'],
    ['/a/b/', '/a/b'],
    ['/a/b//', '/a/b'],
    ['/a/b/.', '/a/b'],
    ['%2e%2e', '/%2e%2e'],
    ['/%2e%2e/%2E%2E/etc', '/%2e%2e/%2E%2E/etc'],
    ['/..foo/...', '/..foo/...'],
    ['/ spaced name ', '/ spaced name '],
    ['/ünï/çødé', '/ünï/çødé'],
  ])('%j -> %j', (input, expected) => {
    expect(canonicalizeVirtualPath(input)).toBe(expected);
  });

  it.each(['/a\u0000b', '\u0000', '/a\nb', '/a\rb', '/tab\there', '/\u001f', '/del\u007f'])(
    'refuses control characters in %j',
    (input) => {
      expect(() => canonicalizeVirtualPath(input)).toThrow(InvalidPathError);
    },
  );

  it('keeps non-control unicode, including U+0080 and above', () => {
    expect(canonicalizeVirtualPath('/a\u00a0b')).toBe('/a\u00a0b');
  });
});

describe('isVirtualPathWithin', () => {
  it.each([
    ['/', '/', true],
    ['/', '/anything', true],
    ['/s3', '/s3', true],
    ['/s3', '/s3/x', true],
    ['/s3', '/s3x', false],
    ['/s3', '/s', false],
    ['/a/b', '/a', false],
  ])('%s contains %s: %s', (base, path, expected) => {
    expect(isVirtualPathWithin(base, path)).toBe(expected);
  });
});

describe('UserVfs', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'sftpgo-vfs-'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const local: FilesystemConfig = { provider: FsProvider.Local };

  function folder(name: string, virtualPath: string, extra: Partial<StorageVirtualFolder> = {}) {
    return { name, virtualPath, mappedPath: join(base, name), filesystem: local, subpath: null, ...extra };
  }

  function user(virtualFolders: StorageVirtualFolder[]): StorageUser {
    return { username: 'u1', homeDir: join(base, 'home'), filesystem: local, virtualFolders };
  }

  const vfs = () =>
    new UserVfs(
      user([
        folder('s3', '/s3'),
        folder('deep', '/s3/deep'),
        folder('docs', '/a/b/docs'),
        folder('shared', '/shared/'),
      ]),
    );

  it.each([
    ['/', '/', '/'],
    ['/file.txt', '/', '/file.txt'],
    ['/s3', '/s3', '/'],
    ['/s3/x/y', '/s3', '/x/y'],
    ['/s3x', '/', '/s3x'],
    ['/s3x/y', '/', '/s3x/y'],
    ['/s3/deep', '/s3/deep', '/'],
    ['/s3/deep/z', '/s3/deep', '/z'],
    ['/s3/deeper', '/s3', '/deeper'],
    ['/a/b', '/', '/a/b'],
    ['/a/b/docs/r.txt', '/a/b/docs', '/r.txt'],
    ['/shared', '/shared', '/'],
    ['\\s3\\..\\shared\\x', '/shared', '/x'],
    ['/s3/../../shared/x', '/shared', '/x'],
    ['/s3/deep/../../etc/passwd', '/', '/etc/passwd'],
  ])('routes %j to mount %j as %j', (input, mountPath, fsPath) => {
    const resolved = vfs().resolve(input);
    expect(resolved.mount.virtualPath).toBe(mountPath);
    expect(resolved.fsPath).toBe(fsPath);
  });

  it('returns the canonical virtual path and the folder name', () => {
    const resolved = vfs().resolve('s3//x/../y');
    expect(resolved.virtualPath).toBe('/s3/y');
    expect(resolved.mount).toEqual({ virtualPath: '/s3', folderName: 's3' });
    expect(vfs().resolve('/x').mount).toEqual({ virtualPath: '/' });
  });

  it('refuses control characters before routing', () => {
    expect(() => vfs().resolve('/s3/\u0000x')).toThrow(InvalidPathError);
  });

  it('caches one filesystem per mount', () => {
    const v = vfs();
    expect(v.resolve('/s3/a').fs).toBe(v.resolve('/s3/b/c').fs);
    expect(v.resolve('/s3/a').fs).not.toBe(v.resolve('/a').fs);
    expect(v.resolve('/a').fs).toBeInstanceOf(LocalFilesystem);
  });

  it('roots a folder at mapped path + subpath', async () => {
    const v = new UserVfs(
      user([folder('sub', '/sub', { mappedPath: join(base, 'mapped'), subpath: '/inner' })]),
    );
    writeFileSync(join(base, 'probe'), '');
    expect(await v.resolve('/sub/x').fs.realRoot()).toBe(join(base, 'mapped', 'inner'));
  });

  it('clamps a subpath with .. inside the mapped path', async () => {
    const v = new UserVfs(
      user([folder('sub', '/sub', { mappedPath: join(base, 'm2'), subpath: '../../etc' })]),
    );
    expect(await v.resolve('/sub').fs.realRoot()).toBe(join(base, 'm2', 'etc'));
  });

  it('raises UnsupportedProviderError only when the mount is used', () => {
    const v = new UserVfs(user([folder('bucket', '/bucket', { filesystem: { provider: FsProvider.S3 } })]));
    expect(v.resolve('/other').fs).toBeInstanceOf(LocalFilesystem);
    expect(v.mountsUnder('/').map((e) => e.name)).toEqual(['bucket']);
    let error: unknown;
    try {
      v.resolve('/bucket/key');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnsupportedProviderError);
    expect((error as UnsupportedProviderError).provider).toBe(FsProvider.S3);
    expect((error as Error).message).toContain('S3');
  });

  it('refuses a crypt home lazily too', () => {
    const v = new UserVfs({ ...user([]), filesystem: { provider: FsProvider.Crypt } });
    expect(() => v.resolve('/')).toThrow(UnsupportedProviderError);
  });

  it('refuses a local folder without an absolute mapped path when used', () => {
    const v = new UserVfs(
      user([folder('bad', '/bad', { mappedPath: null }), folder('rel', '/rel', { mappedPath: 'x' })]),
    );
    expect(() => v.resolve('/bad/x')).toThrow(InvalidMountError);
    expect(() => v.resolve('/rel')).toThrow(InvalidMountError);
  });

  it('lets a folder mounted at / replace the home', () => {
    const v = new UserVfs(user([folder('root', '/')]));
    expect(v.resolve('/x').mount).toEqual({ virtualPath: '/', folderName: 'root' });
    expect(v.mountsUnder('/')).toEqual([]);
  });

  it('keeps the first of two folders on the same path', () => {
    const v = new UserVfs(user([folder('one', '/dup'), folder('two', '/dup/')]));
    expect(v.resolve('/dup').mount.folderName).toBe('one');
  });

  it('uses the injected factory', () => {
    const seen: MountSpec[] = [];
    const fake = {} as Filesystem;
    const v = new UserVfs(user([folder('s3', '/s3')]), (spec) => {
      seen.push(spec);
      return fake;
    });
    expect(v.resolve('/s3/x').fs).toBe(fake);
    expect(seen).toEqual([
      expect.objectContaining({
        virtualPath: '/s3',
        folderName: 's3',
        root: join(base, 's3'),
        subpath: null,
      }),
    ]);
  });

  describe('mountsUnder', () => {
    it('lists folders and intermediate directories of deeper mounts', () => {
      const v = vfs();
      expect(v.mountsUnder('/')).toEqual(
        expect.arrayContaining([
          { name: 's3', virtualPath: '/s3', folderName: 's3' },
          { name: 'a', virtualPath: '/a' },
          { name: 'shared', virtualPath: '/shared', folderName: 'shared' },
        ]),
      );
      expect(v.mountsUnder('/')).toHaveLength(3);
      expect(v.mountsUnder('/s3')).toEqual([{ name: 'deep', virtualPath: '/s3/deep', folderName: 'deep' }]);
      expect(v.mountsUnder('/a')).toEqual([{ name: 'b', virtualPath: '/a/b' }]);
      expect(v.mountsUnder('a\\b\\')).toEqual([
        { name: 'docs', virtualPath: '/a/b/docs', folderName: 'docs' },
      ]);
      expect(v.mountsUnder('/a/b/docs')).toEqual([]);
      expect(v.mountsUnder('/s3x')).toEqual([]);
    });

    it('prefers the folder entry when a folder and a deeper mount share a name', () => {
      const v = new UserVfs(user([folder('inner', '/x/inner'), folder('x', '/x')]));
      expect(v.mountsUnder('/')).toEqual([{ name: 'x', virtualPath: '/x', folderName: 'x' }]);
    });

    it('answers mount point and contains-mount questions boundary-aware', () => {
      const v = vfs();
      expect(v.mountAt('/s3/')).toEqual({ virtualPath: '/s3', folderName: 's3' });
      expect(v.mountAt('/s3x')).toBeUndefined();
      expect(v.mountAt('/')).toBeUndefined();
      expect(v.hasMountsInside('/a')).toBe(true);
      expect(v.hasMountsInside('/s3')).toBe(true);
      expect(v.hasMountsInside('/s3/deep')).toBe(false);
      expect(v.hasMountsInside('/sha')).toBe(false);
      expect(v.listMounts().map((m) => m.virtualPath)).toEqual([
        '/a/b/docs',
        '/s3/deep',
        '/s3',
        '/shared',
        '/',
      ]);
    });
  });
});
