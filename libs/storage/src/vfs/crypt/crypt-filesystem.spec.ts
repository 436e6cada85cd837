import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteRange, FileInfo } from '../filesystem';
import { FsError, FsNotFoundError, FsTooLargeError, FsTypeError } from '../fs-errors';
import { CryptFilesystem } from './crypt-filesystem';
import { encryptedSize, FILE_HEADER_SIZE, MAX_PACKAGE, MAX_PAYLOAD, plaintextSize } from './crypt-format';

const PASS = 'correct horse battery staple';
const K = MAX_PAYLOAD;
const BIG = 200 * 1024 + 123; // 3 full packages + a 4219-byte tail (4 packages)

let base: string;
let home: string;
let fs: CryptFilesystem;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'sftpgo-cryptfs-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
beforeEach(() => {
  home = join(base, Math.random().toString(36).slice(2));
  mkdirSync(home);
  fs = new CryptFilesystem(home, PASS);
});

async function write(path: string, data: Buffer, maxSize?: number, target = fs): Promise<void> {
  const w = await target.createAtomicWrite(path, { maxSize });
  try {
    await pipeline(Readable.from([data]), w.stream);
    await w.commit();
  } catch (err) {
    await w.abort();
    throw err;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function read(path: string, range?: ByteRange, target = fs): Promise<Buffer> {
  return readAll(await target.createReadStream(path, range));
}

/**
 * Reads `path` and checks it fails with the integrity error, as a rejected promise (`early`) or a stream
 * error, and that whatever came out before the error is a correct prefix of `expected`: never wrong bytes.
 */
async function expectIntegrityFailure(
  path: string,
  expected: Buffer,
  range?: ByteRange,
  target = fs,
): Promise<'early' | 'stream'> {
  let stream: Readable;
  try {
    stream = await target.createReadStream(path, range);
  } catch (err) {
    expectIntegrityError(err, path);
    return 'early';
  }
  const got: Buffer[] = [];
  let failure: unknown;
  try {
    for await (const chunk of stream) got.push(chunk as Buffer);
  } catch (err) {
    failure = err;
  }
  expectIntegrityError(failure, path);
  const emitted = Buffer.concat(got);
  const start = range?.start ?? 0;
  expect(emitted.equals(expected.subarray(start, start + emitted.length))).toBe(true);
  return 'stream';
}

function expectIntegrityError(err: unknown, path: string): void {
  expect(err).toBeInstanceOf(FsError);
  expect((err as FsError).code).toBe('IO');
  expect((err as FsError).message).toBe(`${path}: file integrity check failed`);
}

async function collect(iterable: AsyncIterable<FileInfo>): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  for await (const info of iterable) out.push(info);
  return out;
}

function flip(file: string, offset: number, mask = 0x01): void {
  const bytes = readFileSync(file);
  bytes[offset] ^= mask;
  writeFileSync(file, bytes);
}

function tempFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith('.sftpgo-upload-'));
}

describe('format size maths', () => {
  it('maps plaintext sizes to disk sizes and back, refusing impossible sizes', () => {
    for (const n of [0, 1, K - 1, K, K + 1, BIG, 10 * K, 10 * K + 1]) {
      expect(plaintextSize(encryptedSize(n))).toBe(n);
    }
    expect(encryptedSize(0)).toBe(33);
    expect(encryptedSize(1)).toBe(33 + 16 + 1 + 16);
    expect(encryptedSize(K)).toBe(33 + MAX_PACKAGE);
    expect(plaintextSize(32)).toBeUndefined();
    expect(plaintextSize(33 + 32)).toBeUndefined(); // a package with no payload
    expect(plaintextSize(33 + MAX_PACKAGE + 5)).toBeUndefined();
  });
});

describe('round trip', () => {
  it.each([0, 1, K - 1, K, K + 1, BIG])('writes and reads back %d bytes, encrypted at rest', async (n) => {
    const data = randomBytes(n);
    await write('/f.bin', data);
    expect((await read('/f.bin')).equals(data)).toBe(true);
    const disk = readFileSync(join(home, 'f.bin'));
    expect(disk.length).toBe(encryptedSize(n));
    if (n >= 16) expect(disk.includes(data.subarray(0, Math.min(n, 64)))).toBe(false);
    expect((await fs.stat('/f.bin')).size).toBe(n);
    expect((await fs.lstat('/f.bin')).size).toBe(n);
    expect((await collect(fs.list('/'))).find((e) => e.name === 'f.bin')?.size).toBe(n);
    expect(tempFiles(home)).toEqual([]);
  });

  it('does not store readable text and uses a new key per file', async () => {
    const text = Buffer.from('the quick brown fox jumps over the lazy dog '.repeat(100));
    await write('/a.txt', text);
    await write('/b.txt', text);
    const a = readFileSync(join(home, 'a.txt'));
    const b = readFileSync(join(home, 'b.txt'));
    expect(a.includes(Buffer.from('quick brown'))).toBe(false);
    expect(a.subarray(0, 200).equals(b.subarray(0, 200))).toBe(false);
    expect((await read('/b.txt')).equals(text)).toBe(true);
  });

  it('accepts many small writes and reports plaintext bytes()', async () => {
    const data = randomBytes(3 * K + 17);
    const w = await fs.createAtomicWrite('/small.bin');
    const pieces: Buffer[] = [];
    for (let at = 0; at < data.length; at += 1000) pieces.push(data.subarray(at, at + 1000));
    await pipeline(Readable.from(pieces), w.stream);
    expect(w.bytes()).toBe(data.length);
    await w.commit();
    expect((await read('/small.bin')).equals(data)).toBe(true);
  });
});

describe('ranges', () => {
  let data: Buffer;
  beforeEach(async () => {
    data = randomBytes(BIG);
    await write('/r.bin', data);
  });

  it.each([
    [0, 0],
    [10, 100],
    [K - 1, K - 1],
    [K, K],
    [K - 6, K + 5],
    [100, 3 * K + 5],
    [2 * K + 1, 3 * K - 1],
    [0, BIG - 1],
    [BIG - 1, BIG - 1],
    [3 * K, BIG - 1],
  ])('returns bytes %d..%d', async (start, end) => {
    const got = await read('/r.bin', { start, end });
    expect(got.equals(data.subarray(start, end + 1))).toBe(true);
  });

  it('clamps an end past the file and returns nothing from past the end', async () => {
    expect((await read('/r.bin', { start: BIG - 3, end: BIG + 100 })).equals(data.subarray(BIG - 3))).toBe(
      true,
    );
    expect((await read('/r.bin', { start: BIG, end: BIG + 10 })).length).toBe(0);
  });

  it('refuses bad ranges, directories and missing files', async () => {
    await expect(fs.createReadStream('/r.bin', { start: 5, end: 4 })).rejects.toThrow(RangeError);
    await expect(fs.createReadStream('/r.bin', { start: -1, end: 4 })).rejects.toThrow(RangeError);
    await fs.mkdir('/d');
    await expect(fs.createReadStream('/d')).rejects.toThrow(FsTypeError);
    await expect(fs.createReadStream('/nope')).rejects.toThrow(FsNotFoundError);
  });

  it('reads an empty file, whole or with a range', async () => {
    await write('/e.bin', Buffer.alloc(0));
    expect((await read('/e.bin')).length).toBe(0);
    expect((await read('/e.bin', { start: 0, end: 0 })).length).toBe(0);
  });
});

describe('integrity', () => {
  let data: Buffer;
  let file: string;
  const pkg = (i: number): number => FILE_HEADER_SIZE + i * MAX_PACKAGE;
  beforeEach(async () => {
    data = randomBytes(BIG);
    await write('/t.bin', data);
    file = join(home, 't.bin');
  });

  it.each([
    ['the file version', 0],
    ['the file nonce', 7],
    ['a package version', pkg(0)],
    ['a package length', pkg(0) + 2],
    ['a random value', pkg(0) + 4],
    ['a package nonce', pkg(0) + 10],
    ['the first payload', pkg(0) + 100],
    ['the first tag', pkg(1) - 1],
  ])('a flipped byte in %s fails before the stream is returned', async (_what, offset) => {
    flip(file, offset);
    expect(await expectIntegrityFailure('/t.bin', data)).toBe('early');
  });

  it('a set final flag on a middle package or a cleared one on the last fails', async () => {
    flip(file, pkg(1) + 4, 0x80);
    expect(await expectIntegrityFailure('/t.bin', data)).toBe('stream');
    flip(file, pkg(1) + 4, 0x80);
    flip(file, pkg(3) + 4, 0x80);
    await expectIntegrityFailure('/t.bin', data);
    expect((await read('/t.bin', { start: 0, end: 3 * K - 1 })).equals(data.subarray(0, 3 * K))).toBe(true);
  });

  it('a flipped byte in a later package errors the stream after the good bytes', async () => {
    flip(file, pkg(2) + 100);
    expect(await expectIntegrityFailure('/t.bin', data)).toBe('stream');
    // A range starting in that package fails up front; one before it is still served.
    expect(await expectIntegrityFailure('/t.bin', data, { start: 2 * K + 5, end: 2 * K + 10 })).toBe('early');
    expect((await read('/t.bin', { start: 0, end: K + 10 })).equals(data.subarray(0, K + 11))).toBe(true);
  });

  it('a flipped byte in the last package fails', async () => {
    flip(file, pkg(3) + 50);
    await expectIntegrityFailure('/t.bin', data);
    expect(await expectIntegrityFailure('/t.bin', data, { start: BIG - 10, end: BIG - 1 })).toBe('early');
  });

  it('a file truncated at a package boundary fails (no final flag)', async () => {
    truncateSync(file, pkg(2));
    expect((await fs.stat('/t.bin')).size).toBe(2 * K);
    await expectIntegrityFailure('/t.bin', data);
    truncateSync(file, pkg(1));
    expect(await expectIntegrityFailure('/t.bin', data)).toBe('early');
  });

  it('a file truncated inside a package fails', async () => {
    truncateSync(file, pkg(3) + 1000);
    await expectIntegrityFailure('/t.bin', data);
    truncateSync(file, pkg(0) + 1000);
    expect(await expectIntegrityFailure('/t.bin', data)).toBe('early');
  });

  it('swapped or duplicated packages fail', async () => {
    const bytes = readFileSync(file);
    const swapped = Buffer.concat([
      bytes.subarray(0, pkg(0)),
      bytes.subarray(pkg(1), pkg(2)),
      bytes.subarray(pkg(0), pkg(1)),
      bytes.subarray(pkg(2)),
    ]);
    writeFileSync(file, swapped);
    expect(await expectIntegrityFailure('/t.bin', data)).toBe('early');
    const duplicated = Buffer.concat([
      bytes.subarray(0, pkg(2)),
      bytes.subarray(pkg(1), pkg(2)),
      bytes.subarray(pkg(3)),
    ]);
    writeFileSync(file, duplicated);
    await expectIntegrityFailure('/t.bin', data);
  });

  it('a package moved from another file fails', async () => {
    await write('/other.bin', randomBytes(BIG));
    const other = readFileSync(join(home, 'other.bin'));
    const bytes = readFileSync(file);
    other.copy(bytes, pkg(1), pkg(1), pkg(2));
    writeFileSync(file, bytes);
    await expectIntegrityFailure('/t.bin', data);
  });

  it.each([10, 40, MAX_PACKAGE])('an appended tail of %d bytes fails', async (extra) => {
    appendFileSync(file, randomBytes(extra));
    await expectIntegrityFailure('/t.bin', data);
  });

  it('a wrong passphrase fails', async () => {
    const other = new CryptFilesystem(home, 'not the passphrase');
    expect(await expectIntegrityFailure('/t.bin', data, undefined, other)).toBe('early');
    expect((await other.stat('/t.bin')).size).toBe(BIG); // sizes need no key
  });

  it('files of impossible size list as 0 bytes and fail to read', async () => {
    writeFileSync(join(home, 'short'), 'hello');
    writeFileSync(join(home, 'odd'), randomBytes(33 + 20));
    writeFileSync(join(home, 'plain.txt'), Buffer.alloc(33 + 100, 'x'));
    const sizes = Object.fromEntries((await collect(fs.list('/'))).map((e) => [e.name, e.size]));
    expect(sizes).toMatchObject({ short: 0, odd: 0, 'plain.txt': 100 - 32, 't.bin': BIG });
    expect((await fs.stat('/short')).size).toBe(0);
    await expectIntegrityFailure('/short', Buffer.alloc(0));
    await expectIntegrityFailure('/odd', Buffer.alloc(0));
    await expectIntegrityFailure('/plain.txt', Buffer.alloc(0));
  });
});

describe('atomic writes', () => {
  it('over maxSize (plaintext bytes) errors with FsTooLargeError and leaves nothing', async () => {
    await expect(write('/big.bin', randomBytes(K + 10), K + 9)).rejects.toThrow(FsTooLargeError);
    expect(existsSync(join(home, 'big.bin'))).toBe(false);
    expect(tempFiles(home)).toEqual([]);
    await write('/ok.bin', randomBytes(K + 10), K + 10); // the limit itself is allowed
    expect((await fs.stat('/ok.bin')).size).toBe(K + 10);
  });

  it('abort leaves an existing target intact and no temp file', async () => {
    const original = randomBytes(1000);
    await write('/keep.bin', original);
    const w = await fs.createAtomicWrite('/keep.bin');
    w.stream.write(randomBytes(3 * K));
    await w.abort();
    await w.abort(); // twice is fine
    expect(tempFiles(home)).toEqual([]);
    expect((await read('/keep.bin')).equals(original)).toBe(true);
    await expect(w.commit()).rejects.toThrow(FsError);
  });

  it('a failed source stream leaves nothing, even if the caller never aborts', async () => {
    const w = await fs.createAtomicWrite('/fail.bin');
    const source = new Readable({ read() {} });
    const piping = pipeline(source, w.stream);
    source.push(randomBytes(2 * K));
    source.destroy(new Error('client went away'));
    await expect(piping).rejects.toThrow('client went away');
    await new Promise((r) => setTimeout(r, 20));
    expect(tempFiles(home)).toEqual([]);
    expect(existsSync(join(home, 'fail.bin'))).toBe(false);
  });

  it('refuses to commit before the stream ended', async () => {
    const w = await fs.createAtomicWrite('/early.bin');
    w.stream.write(Buffer.from('x'));
    await expect(w.commit()).rejects.toThrow(FsError);
    expect(tempFiles(home)).toEqual([]);
  });

  it('keeps the mode of a replaced file and applies the requested mode to a new one', async () => {
    const w = await fs.createAtomicWrite('/m.bin', { mode: 0o600 });
    await pipeline(Readable.from([Buffer.from('abc')]), w.stream);
    await w.commit();
    expect(statSync(join(home, 'm.bin')).mode & 0o777).toBe(0o600);
    await write('/m.bin', Buffer.from('def'));
    expect(statSync(join(home, 'm.bin')).mode & 0o777).toBe(0o600);
  });
});

describe('path operations (delegated to local storage)', () => {
  it('mkdir, rename, remove, setTimes and realRoot work', async () => {
    const data = randomBytes(K + 1);
    await fs.mkdir('/a/b', { parents: true });
    await write('/a/b/f.bin', data);
    await fs.rename('/a/b/f.bin', '/a/g.bin');
    expect((await read('/a/g.bin')).equals(data)).toBe(true);
    await fs.setTimes('/a/g.bin', 1_000_000, 2_000_000);
    expect((await fs.stat('/a/g.bin')).mtime).toBe(2_000_000);
    expect(await fs.realRoot()).toBe(home);
    await fs.remove('/a', { recursive: true });
    await expect(fs.stat('/a')).rejects.toThrow(FsNotFoundError);
    await expect(fs.stat('/../../etc/passwd')).rejects.toThrow(FsNotFoundError);
  });

  it('copies files (raw encrypted bytes) and trees, readable afterwards', async () => {
    const data = randomBytes(BIG);
    await fs.mkdir('/src/sub', { parents: true });
    await write('/src/sub/x.bin', data);
    await write('/src/y.bin', Buffer.from('y'));
    await fs.copy('/src', '/dst');
    await fs.copy('/src/sub/x.bin', '/x-copy.bin');
    expect((await read('/dst/sub/x.bin')).equals(data)).toBe(true);
    expect((await read('/dst/y.bin')).toString()).toBe('y');
    expect((await read('/x-copy.bin', { start: K, end: K + 9 })).equals(data.subarray(K, K + 10))).toBe(true);
    expect((await fs.stat('/x-copy.bin')).size).toBe(BIG);
    expect(tempFiles(home)).toEqual([]);
  });

  it('refuses an empty passphrase', () => {
    expect(() => new CryptFilesystem(home, '')).toThrow(FsError);
  });
});

describe('large files', () => {
  it('streams 20 MiB in odd-sized chunks both ways without holding the file', async () => {
    const total = 20 * 1024 * 1024;
    const block = randomBytes(K + 7);
    async function* source(): AsyncGenerator<Buffer> {
      for (let sent = 0; sent < total; sent += block.length)
        yield block.subarray(0, Math.min(block.length, total - sent));
    }
    const expected = createHash('sha256');
    for await (const chunk of source()) expected.update(chunk);
    const w = await fs.createAtomicWrite('/huge.bin');
    await pipeline(Readable.from(source()), w.stream);
    await w.commit();
    expect((await fs.stat('/huge.bin')).size).toBe(total);
    const actual = createHash('sha256');
    for await (const chunk of await fs.createReadStream('/huge.bin')) actual.update(chunk as Buffer);
    expect(actual.digest('hex')).toBe(expected.digest('hex'));
    // A range deep inside: byte i of the file is block[i % block.length].
    const start = 13 * 1024 * 1024 + 3;
    const got = await read('/huge.bin', { start, end: start + 2 * K });
    for (let i = 0; i < got.length; i += 4099) expect(got[i]).toBe(block[(start + i) % block.length]);
  });

  it('stops reading when the consumer goes away', async () => {
    await write('/s.bin', randomBytes(8 * K));
    const stream = await fs.createReadStream('/s.bin');
    for await (const _chunk of stream) break;
    expect(stream.destroyed).toBe(true);
  });
});

describe('format (independent construction, per SFTPGo and minio/sio DARE 2.0)', () => {
  /** Builds a file the way SFTPGo does, with plain node:crypto calls and nothing from crypt-format.ts. */
  function sftpgoFile(plain: Buffer, suite: 0 | 1): Buffer {
    const fileNonce = randomBytes(32);
    const key = Buffer.from(hkdfSync('sha256', Buffer.from(PASS), fileNonce, Buffer.alloc(0), 32));
    const random = randomBytes(12);
    const parts = [Buffer.from([0x10]), fileNonce];
    for (let seq = 0, at = 0; at < plain.length; seq++, at += K) {
      const payload = plain.subarray(at, at + K);
      const final = at + K >= plain.length;
      const header = Buffer.alloc(16);
      header[0] = 0x20;
      header[1] = suite;
      header.writeUInt16LE(payload.length - 1, 2);
      random.copy(header, 4);
      header[4] = final ? header[4] | 0x80 : header[4] & 0x7f;
      const nonce = Buffer.from(header.subarray(4));
      nonce.writeUInt32LE((nonce.readUInt32LE(8) ^ seq) >>> 0, 8);
      const cipher =
        suite === 0
          ? createCipheriv('aes-256-gcm', key, nonce)
          : createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
      cipher.setAAD(header.subarray(0, 4), { plaintextLength: payload.length });
      parts.push(header, cipher.update(payload), cipher.final(), cipher.getAuthTag());
    }
    return Buffer.concat(parts);
  }

  it.each([
    ['AES-256-GCM', 0 as const],
    ['ChaCha20-Poly1305', 1 as const],
  ])('reads a file laid out as SFTPGo writes it (%s)', async (_name, suite) => {
    const data = randomBytes(2 * K + 99);
    writeFileSync(join(home, 'go.bin'), sftpgoFile(data, suite));
    expect((await fs.stat('/go.bin')).size).toBe(data.length);
    expect((await read('/go.bin')).equals(data)).toBe(true);
    expect(
      (await read('/go.bin', { start: K + 1, end: 2 * K + 5 })).equals(data.subarray(K + 1, 2 * K + 6)),
    ).toBe(true);
  });

  it('writes what an independent DARE 2.0 reader decrypts', async () => {
    const data = randomBytes(K + 5);
    await write('/ours.bin', data);
    const disk = readFileSync(join(home, 'ours.bin'));
    expect(disk[0]).toBe(0x10);
    const key = Buffer.from(hkdfSync('sha256', Buffer.from(PASS), disk.subarray(1, 33), Buffer.alloc(0), 32));
    const out: Buffer[] = [];
    let at = 33;
    for (let seq = 0; at < disk.length; seq++) {
      const header = disk.subarray(at, at + 16);
      expect(header[0]).toBe(0x20);
      expect(header[1]).toBe(0x00);
      const length = header.readUInt16LE(2) + 1;
      expect((header[4] & 0x80) !== 0).toBe(at + 32 + length === disk.length);
      const nonce = Buffer.from(header.subarray(4));
      nonce.writeUInt32LE((nonce.readUInt32LE(8) ^ seq) >>> 0, 8);
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(header.subarray(0, 4));
      decipher.setAuthTag(disk.subarray(at + 16 + length, at + 32 + length));
      out.push(decipher.update(disk.subarray(at + 16, at + 16 + length)), decipher.final());
      at += 32 + length;
    }
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });
});
