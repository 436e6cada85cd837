import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileInfo } from './filesystem';
import {
  FsError,
  FsEscapeError,
  FsExistsError,
  FsNotEmptyError,
  FsNotFoundError,
  FsPermissionError,
  FsTooLargeError,
  FsTypeError,
  FsUnsupportedError,
  InvalidMountError,
  InvalidPathError,
  toFsError,
} from './fs-errors';
import { isOsPathWithin, LocalFilesystem } from './local-filesystem';
import { MODE_DIR, MODE_SYMLINK } from './mode';

let base: string;
let home: string;
let sibling: string;
let outside: string;
let fs: LocalFilesystem;

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function collect(iterable: AsyncIterable<FileInfo>): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  for await (const info of iterable) out.push(info);
  return out;
}

async function write(path: string, data: string | Buffer, maxSize?: number): Promise<void> {
  const w = await fs.createAtomicWrite(path, { maxSize });
  try {
    await pipeline(Readable.from([Buffer.from(data)]), w.stream);
    await w.commit();
  } catch (err) {
    await w.abort();
    throw err;
  }
}

function tempFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith('.sftpgo-upload-'));
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'sftpgo-localfs-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

beforeEach(() => {
  const id = Math.random().toString(36).slice(2);
  const srv = join(base, id, 'srv');
  home = join(srv, 'u1');
  sibling = join(srv, 'u10');
  outside = join(base, id, 'etc');
  mkdirSync(join(home, 'dir', 'sub'), { recursive: true });
  mkdirSync(sibling, { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(home, 'file.txt'), 'hello world');
  writeFileSync(join(home, 'dir', 'a.txt'), 'aaa');
  writeFileSync(join(home, 'dir', 'sub', 'b.txt'), 'bbb');
  writeFileSync(join(sibling, 'secret.txt'), 'sibling secret');
  writeFileSync(join(outside, 'passwd'), 'root:x:0:0');
  // Planted links: to the host's "/etc" (absolute), to the sibling user (relative), and inside.
  symlinkSync(outside, join(home, 'etc-abs'));
  symlinkSync('../u10', join(home, 'sibling'));
  symlinkSync('../../etc/passwd', join(home, 'passwd-rel'));
  symlinkSync('dir/a.txt', join(home, 'inner-link'));
  symlinkSync('dir', join(home, 'inner-dir-link'));
  symlinkSync(join(home, 'file.txt'), join(home, 'abs-inside'));
  fs = new LocalFilesystem(home);
});

describe('root and containment', () => {
  it('creates a missing root with mode 0700 on first use', async () => {
    const root = join(base, 'fresh', 'users', 'new');
    const local = new LocalFilesystem(root);
    expect(existsSync(root)).toBe(false);
    expect(await local.realRoot()).toBe(root);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(await collect(local.list('/'))).toEqual([]);
  });

  it('refuses a relative root', () => {
    expect(() => new LocalFilesystem('relative/home')).toThrow(InvalidMountError);
  });

  it('fails with FsTypeError when the root is a file', async () => {
    const file = join(base, 'root-file');
    writeFileSync(file, '');
    await expect(new LocalFilesystem(file).stat('/')).rejects.toThrow(FsTypeError);
  });

  it('is boundary-aware: /srv/u1 does not contain /srv/u10', () => {
    expect(isOsPathWithin('/srv/u1', '/srv/u1')).toBe(true);
    expect(isOsPathWithin('/srv/u1', '/srv/u1/x')).toBe(true);
    expect(isOsPathWithin('/srv/u1', '/srv/u10')).toBe(false);
    expect(isOsPathWithin('/srv/u1', '/srv/u10/secret.txt')).toBe(false);
    expect(isOsPathWithin('/srv/u1', '/srv')).toBe(false);
    expect(isOsPathWithin('/', '/anything')).toBe(true);
  });

  it('keeps .. inside the root: /../u10/secret.txt is the user own /u10/secret.txt', async () => {
    await expect(fs.stat('/../u10/secret.txt')).rejects.toThrow(FsNotFoundError);
    await expect(fs.stat('../../../../etc/passwd')).rejects.toThrow(FsNotFoundError);
    await expect(fs.createReadStream('\\..\\u10\\secret.txt')).rejects.toThrow(FsNotFoundError);
    expect((await fs.stat('/dir/../file.txt')).size).toBe(11);
  });

  it('refuses control characters', async () => {
    await expect(fs.stat('/a\u0000b')).rejects.toThrow(InvalidPathError);
  });
});

describe('symlink traversal', () => {
  const escapes: [string, (path: string) => Promise<unknown>][] = [
    ['stat', (p) => fs.stat(p)],
    ['list', (p) => collect(fs.list(p))],
    ['read', (p) => fs.createReadStream(p)],
    ['setTimes', (p) => fs.setTimes(p, 0, 0)],
  ];

  it.each(escapes)('%s cannot go through a link to /etc or to the sibling user', async (_name, op) => {
    await expect(op('/etc-abs')).rejects.toThrow(FsEscapeError);
    await expect(op('/etc-abs/passwd')).rejects.toThrow(FsEscapeError);
    await expect(op('/sibling')).rejects.toThrow(FsEscapeError);
    await expect(op('/sibling/secret.txt')).rejects.toThrow(FsEscapeError);
    await expect(op('/passwd-rel')).rejects.toThrow(FsEscapeError);
  });

  it('does not follow absolute links even when they point inside (os.Root semantics)', async () => {
    await expect(fs.stat('/abs-inside')).rejects.toThrow(FsEscapeError);
    await expect(fs.createReadStream('/abs-inside')).rejects.toThrow(FsEscapeError);
  });

  it('cannot write through an escaping link', async () => {
    await expect(fs.createAtomicWrite('/etc-abs/passwd')).rejects.toThrow(FsEscapeError);
    await expect(fs.createAtomicWrite('/sibling/secret.txt')).rejects.toThrow(FsEscapeError);
    await expect(fs.createAtomicWrite('/sibling/new.txt')).rejects.toThrow(FsEscapeError);
    await expect(fs.mkdir('/sibling/newdir')).rejects.toThrow(FsEscapeError);
    await expect(fs.mkdir('/sibling/a/b', { parents: true })).rejects.toThrow(FsEscapeError);
    expect(readFileSync(join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0');
    expect(readdirSync(sibling)).toEqual(['secret.txt']);
  });

  it('cannot rename from, onto or into an escaping link target', async () => {
    await expect(fs.rename('/etc-abs/passwd', '/stolen')).rejects.toThrow(FsEscapeError);
    await expect(fs.rename('/sibling/secret.txt', '/stolen')).rejects.toThrow(FsEscapeError);
    await expect(fs.rename('/file.txt', '/etc-abs/passwd')).rejects.toThrow(FsEscapeError);
    await expect(fs.rename('/file.txt', '/sibling/secret.txt')).rejects.toThrow(FsEscapeError);
    await expect(fs.copy('/file.txt', '/sibling/copy.txt')).rejects.toThrow(FsEscapeError);
    await expect(fs.copy('/sibling/secret.txt', '/copy.txt')).rejects.toThrow(FsEscapeError);
    expect(readFileSync(join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0');
    expect(readFileSync(join(sibling, 'secret.txt'), 'utf8')).toBe('sibling secret');
  });

  it('renaming onto the link name replaces the link itself, never its target', async () => {
    await fs.rename('/file.txt', '/etc-abs');
    expect(lstatSync(join(home, 'etc-abs')).isFile()).toBe(true);
    expect(readFileSync(join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0');
  });

  it('writing onto the link name replaces the link itself, never its target', async () => {
    await write('/passwd-rel', 'new content');
    expect(lstatSync(join(home, 'passwd-rel')).isFile()).toBe(true);
    expect(readFileSync(join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0');
  });

  it('removing a link removes the link only', async () => {
    await fs.remove('/sibling');
    await fs.remove('/etc-abs', { recursive: true });
    expect(existsSync(join(home, 'sibling'))).toBe(false);
    expect(readFileSync(join(sibling, 'secret.txt'), 'utf8')).toBe('sibling secret');
    expect(readFileSync(join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0');
    await expect(fs.remove('/inner-dir-link/a.txt')).resolves.toBeUndefined();
    expect(existsSync(join(home, 'dir', 'a.txt'))).toBe(false);
  });

  it('cannot remove through an escaping link', async () => {
    await expect(fs.remove('/sibling/secret.txt')).rejects.toThrow(FsEscapeError);
    await expect(fs.remove('/etc-abs/passwd')).rejects.toThrow(FsEscapeError);
    expect(existsSync(join(sibling, 'secret.txt'))).toBe(true);
  });

  it('follows relative links that stay inside', async () => {
    expect(await readAll(await fs.createReadStream('/inner-link'))).toBe('aaa');
    expect((await fs.stat('/inner-link')).name).toBe('inner-link');
    expect((await collect(fs.list('/inner-dir-link'))).map((e) => e.name).sort()).toEqual(['a.txt', 'sub']);
    await write('/inner-dir-link/new.txt', 'via link');
    expect(readFileSync(join(home, 'dir', 'new.txt'), 'utf8')).toBe('via link');
  });

  it('refuses a link that climbs out through .. after going down', async () => {
    symlinkSync('dir/../../u10', join(home, 'tricky'));
    await expect(fs.stat('/tricky/secret.txt')).rejects.toThrow(FsEscapeError);
  });

  it('stops symlink loops', async () => {
    symlinkSync('loop-b', join(home, 'loop-a'));
    symlinkSync('loop-a', join(home, 'loop-b'));
    await expect(fs.stat('/loop-a')).rejects.toMatchObject({ code: 'LOOP' });
  });

  it('does not create the target of a dangling link with mkdir parents', async () => {
    symlinkSync('nowhere', join(home, 'dangling'));
    await expect(fs.mkdir('/dangling/x', { parents: true })).rejects.toThrow(FsNotFoundError);
    expect(existsSync(join(home, 'nowhere'))).toBe(false);
  });
});

describe('stat and lstat', () => {
  it('reports files, directories and the root with Go modes', async () => {
    chmodSync(join(home, 'file.txt'), 0o640);
    const file = await fs.stat('/file.txt');
    expect(file).toEqual({
      name: 'file.txt',
      size: 11,
      mode: 0o640,
      mtime: statSync(join(home, 'file.txt')).mtime.getTime(),
      isDir: false,
      isSymlink: false,
    });
    chmodSync(join(home, 'dir'), 0o755);
    expect(await fs.stat('/dir')).toMatchObject({
      name: 'dir',
      size: 0,
      mode: MODE_DIR + 0o755,
      isDir: true,
    });
    expect(await fs.stat('/')).toMatchObject({ name: '/', isDir: true });
  });

  it('lstat shows a link as a link', async () => {
    const info = await fs.lstat('/inner-link');
    expect(info).toMatchObject({ name: 'inner-link', size: 0, isSymlink: true, isDir: false });
    expect(info.mode - MODE_SYMLINK).toBe(lstatSync(join(home, 'inner-link')).mode & 0o777);
    // Metadata of an escaping link itself is fine: it is an entry of the home.
    expect(await fs.lstat('/etc-abs')).toMatchObject({ isSymlink: true });
  });

  it('maps missing paths and files used as directories', async () => {
    await expect(fs.stat('/nope')).rejects.toThrow(FsNotFoundError);
    await expect(fs.stat('/file.txt/x')).rejects.toThrow(FsTypeError);
    await expect(fs.stat('/nope')).rejects.toMatchObject({ code: 'NOT_FOUND', path: '/nope' });
  });

  it('never puts the OS path in error messages', async () => {
    const err = (await fs.stat('/nope/x').catch((e: unknown) => e)) as Error;
    expect(err.message).not.toContain(home);
    const escape = (await fs.stat('/sibling/secret.txt').catch((e: unknown) => e)) as Error;
    expect(escape.message).not.toContain(base);
  });
});

describe('list', () => {
  it('lists entries with symlinks as symlinks, no . or ..', async () => {
    const entries = await collect(fs.list('/'));
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect([...byName.keys()].sort()).toEqual(
      [
        'abs-inside',
        'dir',
        'etc-abs',
        'file.txt',
        'inner-dir-link',
        'inner-link',
        'passwd-rel',
        'sibling',
      ].sort(),
    );
    expect(byName.get('dir')).toMatchObject({ isDir: true, isSymlink: false });
    expect(byName.get('sibling')).toMatchObject({ isDir: false, isSymlink: true, size: 0 });
    expect(byName.get('file.txt')).toMatchObject({ size: 11, isDir: false });
  });

  it('fails for files and missing directories', async () => {
    await expect(collect(fs.list('/file.txt'))).rejects.toThrow(FsTypeError);
    await expect(collect(fs.list('/missing'))).rejects.toThrow(FsNotFoundError);
  });

  it('streams a 5,000-entry directory instead of reading it whole first', async () => {
    const big = join(home, 'big');
    mkdirSync(big);
    for (let i = 0; i < 5000; i++) writeFileSync(join(big, `f${i}`), '');
    const all = await collect(fs.list('/big'));
    expect(all).toHaveLength(5000);

    // Take one entry, then delete everything: an implementation that had already read and stat'ed
    // the whole directory would still yield ~5,000 entries; a streaming one yields only what it had
    // buffered (vanished entries are skipped).
    const iterator = fs.list('/big')[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    rmSync(big, { recursive: true });
    mkdirSync(big); // an empty directory with the same name must not be what we keep reading
    let rest = 0;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest++;
    expect(rest).toBeLessThan(1000);
  });

  it('releases the directory when the consumer stops early', async () => {
    for (let i = 0; i < 200; i++) writeFileSync(join(home, 'dir', `e${i}`), '');
    for await (const _entry of fs.list('/dir')) break;
    // A second full listing works and nothing leaked in between (fd leaks would surface as EMFILE).
    expect((await collect(fs.list('/dir'))).length).toBe(202);
  });
});

describe('createReadStream', () => {
  it('reads a whole file and an inclusive range', async () => {
    expect(await readAll(await fs.createReadStream('/file.txt'))).toBe('hello world');
    expect(await readAll(await fs.createReadStream('/file.txt', { start: 6, end: 10 }))).toBe('world');
    expect(await readAll(await fs.createReadStream('/file.txt', { start: 0, end: 0 }))).toBe('h');
  });

  it('refuses directories, missing files and bad ranges', async () => {
    await expect(fs.createReadStream('/dir')).rejects.toThrow(FsTypeError);
    await expect(fs.createReadStream('/')).rejects.toThrow(FsTypeError);
    await expect(fs.createReadStream('/missing')).rejects.toThrow(FsNotFoundError);
    await expect(fs.createReadStream('/file.txt', { start: 5, end: 2 })).rejects.toThrow(RangeError);
    await expect(fs.createReadStream('/file.txt', { start: -1, end: 2 })).rejects.toThrow(RangeError);
  });
});

describe('createAtomicWrite', () => {
  it('creates a new file, 0644, leaving no temp file', async () => {
    await write('/new.txt', 'fresh');
    expect(readFileSync(join(home, 'new.txt'), 'utf8')).toBe('fresh');
    expect(statSync(join(home, 'new.txt')).mode & 0o777).toBe(0o644);
    expect(tempFiles(home)).toEqual([]);
  });

  it('writes to a 0600 temp file beside the target and only replaces it on commit', async () => {
    const w = await fs.createAtomicWrite('/dir/a.txt');
    w.stream.write('new content');
    await new Promise((r) => setImmediate(r));
    const temps = tempFiles(join(home, 'dir'));
    expect(temps).toHaveLength(1);
    expect(temps[0]).toMatch(/^\.sftpgo-upload-[0-9a-f]{32}\.part$/);
    expect(statSync(join(home, 'dir', temps[0])).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(home, 'dir', 'a.txt'), 'utf8')).toBe('aaa');
    w.stream.end();
    await w.commit();
    expect(w.bytes()).toBe(11);
    expect(readFileSync(join(home, 'dir', 'a.txt'), 'utf8')).toBe('new content');
    expect(tempFiles(join(home, 'dir'))).toEqual([]);
  });

  it('keeps the mode of the file it replaces', async () => {
    chmodSync(join(home, 'file.txt'), 0o600);
    await write('/file.txt', 'replaced');
    expect(statSync(join(home, 'file.txt')).mode & 0o777).toBe(0o600);
  });

  it('abort leaves the original intact and no temp file', async () => {
    const w = await fs.createAtomicWrite('/file.txt');
    w.stream.write('partial');
    await w.abort();
    await w.abort(); // idempotent
    expect(readFileSync(join(home, 'file.txt'), 'utf8')).toBe('hello world');
    expect(tempFiles(home)).toEqual([]);
    await expect(w.commit()).rejects.toThrow(FsError);
  });

  it('a stream over maxSize errors with FsTooLargeError and leaves nothing', async () => {
    await expect(write('/big.bin', Buffer.alloc(1024), 1000)).rejects.toThrow(FsTooLargeError);
    await expect(write('/file.txt', Buffer.alloc(1024), 1000)).rejects.toMatchObject({ maxSize: 1000 });
    expect(existsSync(join(home, 'big.bin'))).toBe(false);
    expect(readFileSync(join(home, 'file.txt'), 'utf8')).toBe('hello world');
    expect(tempFiles(home)).toEqual([]);
    await write('/exact.bin', Buffer.alloc(1000), 1000);
    expect(statSync(join(home, 'exact.bin')).size).toBe(1000);
  });

  it('a failed source stream leaves nothing, even if the caller never aborts', async () => {
    const w = await fs.createAtomicWrite('/file.txt');
    const failing = new Readable({
      read() {
        this.push('some data');
        this.destroy(new Error('client went away'));
      },
    });
    await expect(pipeline(failing, w.stream)).rejects.toThrow('client went away');
    await new Promise((r) => setImmediate(r));
    await w.abort(); // already aborted by the failure: still safe
    expect(tempFiles(home)).toEqual([]);
    expect(readFileSync(join(home, 'file.txt'), 'utf8')).toBe('hello world');
  });

  it('refuses to commit before the stream ended', async () => {
    const w = await fs.createAtomicWrite('/x.txt');
    w.stream.write('x');
    await expect(w.commit()).rejects.toThrow(FsError);
    expect(tempFiles(home)).toEqual([]);
    expect(existsSync(join(home, 'x.txt'))).toBe(false);
  });

  it('concurrent writes to one target each use their own temp file; the last commit wins', async () => {
    const a = await fs.createAtomicWrite('/same.txt');
    const b = await fs.createAtomicWrite('/same.txt');
    a.stream.write('from a');
    b.stream.write('from b');
    await new Promise((r) => setImmediate(r));
    expect(tempFiles(home)).toHaveLength(2);
    a.stream.end();
    b.stream.end();
    await a.commit();
    expect(readFileSync(join(home, 'same.txt'), 'utf8')).toBe('from a');
    await b.commit();
    expect(readFileSync(join(home, 'same.txt'), 'utf8')).toBe('from b');
    expect(tempFiles(home)).toEqual([]);
  });

  it('refuses a directory target, the root and a missing parent', async () => {
    await expect(fs.createAtomicWrite('/dir')).rejects.toThrow(FsTypeError);
    await expect(fs.createAtomicWrite('/')).rejects.toThrow(FsPermissionError);
    await expect(fs.createAtomicWrite('/missing/x.txt')).rejects.toThrow(FsNotFoundError);
    await expect(fs.createAtomicWrite('/file.txt/x')).rejects.toThrow(FsTypeError);
  });

  it('fails the commit when a directory appeared at the target meanwhile', async () => {
    const w = await fs.createAtomicWrite('/later');
    mkdirSync(join(home, 'later'));
    writeFileSync(join(home, 'later', 'keep'), '');
    w.stream.end('data');
    await expect(w.commit()).rejects.toThrow(FsError);
    expect(tempFiles(home)).toEqual([]);
    expect(existsSync(join(home, 'later', 'keep'))).toBe(true);
  });
});

describe('mkdir', () => {
  it('creates one directory; refuses an existing one and a missing parent', async () => {
    await fs.mkdir('/made');
    expect(statSync(join(home, 'made')).isDirectory()).toBe(true);
    await expect(fs.mkdir('/made')).rejects.toThrow(FsExistsError);
    await expect(fs.mkdir('/file.txt')).rejects.toThrow(FsExistsError);
    await expect(fs.mkdir('/')).rejects.toThrow(FsExistsError);
    await expect(fs.mkdir('/x/y')).rejects.toThrow(FsNotFoundError);
  });

  it('creates parents, and is a no-op for an existing directory', async () => {
    await fs.mkdir('/p/q/r', { parents: true });
    expect(statSync(join(home, 'p', 'q', 'r')).isDirectory()).toBe(true);
    await fs.mkdir('/p/q/r', { parents: true });
    await fs.mkdir('/', { parents: true });
    await fs.mkdir('/inner-dir-link/via', { parents: true });
    expect(statSync(join(home, 'dir', 'via')).isDirectory()).toBe(true);
    await expect(fs.mkdir('/file.txt/sub', { parents: true })).rejects.toThrow(FsTypeError);
    await expect(fs.mkdir('/file.txt', { parents: true })).rejects.toThrow(FsTypeError);
  });
});

describe('rename', () => {
  it('renames files and directories', async () => {
    await fs.rename('/file.txt', '/renamed.txt');
    expect(readFileSync(join(home, 'renamed.txt'), 'utf8')).toBe('hello world');
    await fs.rename('/dir', '/dir2');
    expect(readFileSync(join(home, 'dir2', 'sub', 'b.txt'), 'utf8')).toBe('bbb');
  });

  it('replaces an existing file but never a directory', async () => {
    await fs.rename('/file.txt', '/dir/a.txt');
    expect(readFileSync(join(home, 'dir', 'a.txt'), 'utf8')).toBe('hello world');
    mkdirSync(join(home, 'empty'));
    await expect(fs.rename('/dir/a.txt', '/empty')).rejects.toThrow(FsTypeError);
    await expect(fs.rename('/dir/sub', '/empty')).rejects.toThrow(FsTypeError);
    expect(statSync(join(home, 'empty')).isDirectory()).toBe(true);
  });

  it('refuses same path, nested moves, the root and missing sources', async () => {
    await expect(fs.rename('/file.txt', '/./file.txt')).rejects.toThrow(FsUnsupportedError);
    await expect(fs.rename('/dir', '/dir/sub/inside')).rejects.toThrow(FsUnsupportedError);
    await expect(fs.rename('/', '/x')).rejects.toThrow(FsPermissionError);
    await expect(fs.rename('/file.txt', '/')).rejects.toThrow(FsPermissionError);
    await expect(fs.rename('/missing', '/x')).rejects.toThrow(FsNotFoundError);
    await expect(fs.rename('/file.txt', '/missing/x')).rejects.toThrow(FsNotFoundError);
  });

  it('renames a link as a link', async () => {
    await fs.rename('/sibling', '/moved-link');
    expect(readlinkSync(join(home, 'moved-link'))).toBe('../u10');
  });
});

describe('remove', () => {
  it('removes files, empty and non-empty directories', async () => {
    await fs.remove('/file.txt');
    expect(existsSync(join(home, 'file.txt'))).toBe(false);
    await expect(fs.remove('/dir')).rejects.toThrow(FsNotEmptyError);
    await fs.remove('/dir/sub', { recursive: true });
    unlinkSync(join(home, 'dir', 'a.txt'));
    await fs.remove('/dir');
    expect(existsSync(join(home, 'dir'))).toBe(false);
  });

  it('removes a tree recursively without following links inside it', async () => {
    symlinkSync('../../../u10', join(home, 'dir', 'sub', 'escape'));
    await fs.remove('/dir', { recursive: true });
    expect(existsSync(join(home, 'dir'))).toBe(false);
    expect(readFileSync(join(sibling, 'secret.txt'), 'utf8')).toBe('sibling secret');
  });

  it('refuses the root and missing paths', async () => {
    await expect(fs.remove('/', { recursive: true })).rejects.toThrow(FsPermissionError);
    await expect(fs.remove('/..')).rejects.toThrow(FsPermissionError);
    await expect(fs.remove('/missing')).rejects.toThrow(FsNotFoundError);
  });
});

describe('copy', () => {
  it('copies a file, replacing an existing one', async () => {
    await fs.copy('/file.txt', '/copy.txt');
    expect(readFileSync(join(home, 'copy.txt'), 'utf8')).toBe('hello world');
    await fs.copy('/dir/a.txt', '/copy.txt');
    expect(readFileSync(join(home, 'copy.txt'), 'utf8')).toBe('aaa');
    expect(tempFiles(home)).toEqual([]);
  });

  it('copies a tree, skipping symlinks, and merges into an existing directory', async () => {
    symlinkSync('../file.txt', join(home, 'dir', 'link'));
    mkdirSync(join(home, 'target'));
    writeFileSync(join(home, 'target', 'keep.txt'), 'keep');
    await fs.copy('/dir', '/target');
    expect(readdirSync(join(home, 'target')).sort()).toEqual(['a.txt', 'keep.txt', 'sub']);
    expect(readFileSync(join(home, 'target', 'sub', 'b.txt'), 'utf8')).toBe('bbb');
    await fs.copy('/dir', '/fresh');
    expect(readFileSync(join(home, 'fresh', 'a.txt'), 'utf8')).toBe('aaa');
  });

  it('refuses symlink sources, nesting, same path and type clashes', async () => {
    await expect(fs.copy('/inner-link', '/x')).rejects.toThrow(FsUnsupportedError);
    await expect(fs.copy('/dir', '/dir/sub/again')).rejects.toThrow(FsUnsupportedError);
    await expect(fs.copy('/file.txt', '/file.txt')).rejects.toThrow(FsUnsupportedError);
    await expect(fs.copy('/dir', '/file.txt')).rejects.toThrow(FsTypeError);
    await expect(fs.copy('/file.txt', '/dir')).rejects.toThrow(FsTypeError);
    await expect(fs.copy('/missing', '/x')).rejects.toThrow(FsNotFoundError);
  });

  it('copies between two filesystems', async () => {
    const other = new LocalFilesystem(join(base, 'other-root-' + Math.random().toString(36).slice(2)));
    const { copyTree } = await import('./copy');
    await copyTree(fs, '/dir', other, '/imported');
    expect(await readAll(await other.createReadStream('/imported/sub/b.txt'))).toBe('bbb');
  });
});

describe('setTimes', () => {
  it('sets access and modification times from ms or Dates, following inner links', async () => {
    await fs.setTimes('/file.txt', 1_000_000, 1_700_000_000_000);
    expect(statSync(join(home, 'file.txt')).mtime.getTime()).toBe(1_700_000_000_000);
    await fs.setTimes('/inner-dir-link', new Date(5000), new Date(1_600_000_000_000));
    expect(statSync(join(home, 'dir')).mtime.getTime()).toBe(1_600_000_000_000);
  });

  it('works on a file the owner cannot read', async () => {
    chmodSync(join(home, 'file.txt'), 0o200);
    try {
      await fs.setTimes('/file.txt', 0, 1_500_000_000_000);
      expect(statSync(join(home, 'file.txt')).mtime.getTime()).toBe(1_500_000_000_000);
    } finally {
      chmodSync(join(home, 'file.txt'), 0o644);
    }
  });

  it('fails for missing paths', async () => {
    await expect(fs.setTimes('/missing', 0, 0)).rejects.toThrow(FsNotFoundError);
  });
});

describe('toFsError', () => {
  const osError = (code: string) => Object.assign(new Error(`${code}: /srv/u1/x`), { code });

  it.each([
    ['ENOENT', 'NOT_FOUND'],
    ['EEXIST', 'EXISTS'],
    ['ENOTDIR', 'TYPE'],
    ['EISDIR', 'TYPE'],
    ['EACCES', 'PERMISSION'],
    ['EPERM', 'PERMISSION'],
    ['ENOTEMPTY', 'NOT_EMPTY'],
    ['ELOOP', 'ESCAPE'],
    ['ENOSPC', 'IO'],
  ])('%s -> %s, naming the relative path only', (errno, code) => {
    const err = toFsError(osError(errno), '/x');
    expect(err).toBeInstanceOf(FsError);
    expect(err.code).toBe(code);
    expect(err.message).not.toContain('/srv/u1');
    expect(err.cause).toBeDefined();
  });

  it('passes FsErrors through', () => {
    const err = new FsNotFoundError('/a');
    expect(toFsError(err, '/b')).toBe(err);
  });
});
