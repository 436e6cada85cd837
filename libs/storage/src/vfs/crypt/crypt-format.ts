/**
 * The on-disk format of encrypted local storage: SFTPGo's CryptFs format, byte for byte (its
 * `internal/vfs/cryptfs.go` on top of minio/sio's DARE 2.0, read from their sources).
 *
 * File layout:
 *   [0]      version 0x10 (SFTPGo's `version10`)
 *   [1..32]  32 random bytes, the per-file nonce (HKDF salt)
 *   [33..]   a DARE 2.0 stream: zero or more packages, each `header(16) | ciphertext(n) | tag(16)`
 *
 * Key: `HKDF-SHA256(ikm = passphrase as UTF-8, salt = the 32-byte nonce, info = empty)`, 32 bytes (SFTPGo
 * passes the passphrase itself as the master key). A new nonce per write means a new key per file.
 *
 * DARE 2.0 package header (16 bytes):
 *   [0]      version 0x20
 *   [1]      cipher suite: 0x00 AES-256-GCM, 0x01 ChaCha20-Poly1305 (sio picks ChaCha20 on CPUs
 *            without AES instructions; we write AES-256-GCM and read both)
 *   [2..3]   payload length - 1, uint16 little-endian (payload 1..65536 bytes)
 *   [4..15]  12-byte random value, the same for every package of a stream, except that the top bit of
 *            [4] is the FINAL flag (set on the last package only)
 * AEAD nonce = header[4..15] with its last 4 bytes (uint32 LE) XORed with the package sequence number
 * (0, 1, 2, ...); AAD = header[0..3] (version, cipher, length). So the payload, its length, its
 * position and the final flag are all authenticated: reordering, dropping, duplicating packages or
 * truncating at a package boundary (the new last package lacks the final flag) fails. Every package
 * but the last carries exactly 65536 bytes; the last carries 1..65536 (a multiple of 64 KiB ends with
 * a full final package). An empty file is the 33-byte file header alone, as SFTPGo writes it.
 *
 * Size maths is pure arithmetic on the on-disk size (see `plaintextSize`/`encryptedSize`).
 * Limits of the format (SFTPGo's): the file header is not authenticated by itself (a changed nonce
 * changes the key, so any package then fails), and a file cut down to its bare 33-byte header reads as
 * an empty file: there is no package left to carry the final flag.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** SFTPGo's CryptFs file format version (first byte of every file). */
export const FILE_VERSION = 0x10;
/** Bytes of the per-file random nonce that follows the version byte. */
export const FILE_NONCE_SIZE = 32;
/** The per-file header: version byte + nonce. */
export const FILE_HEADER_SIZE = 1 + FILE_NONCE_SIZE;
/** DARE 2.0 version byte of each package header. */
export const PACKAGE_VERSION = 0x20;
/** Bytes of a package header. */
export const PACKAGE_HEADER_SIZE = 16;
/** Bytes of the AEAD tag ending each package. */
export const TAG_SIZE = 16;
/** Plaintext bytes of every package but the last. */
export const MAX_PAYLOAD = 65536;
/** Bytes of a full package on disk. */
export const MAX_PACKAGE = PACKAGE_HEADER_SIZE + MAX_PAYLOAD + TAG_SIZE;
/** DARE's cipher suite ids. */
export const CIPHER_AES_256_GCM = 0x00;
/** ChaCha20-Poly1305 (read only: written by SFTPGo on CPUs without AES instructions). */
export const CIPHER_CHACHA20_POLY1305 = 0x01;

const OVERHEAD = PACKAGE_HEADER_SIZE + TAG_SIZE;
// The sequence number is a uint32 (sio also caps the plaintext at 2^48 bytes, a bound 2^32 packages of
// 64 KiB reach too).
const MAX_PACKAGES = 2 ** 32;
const FINAL_FLAG = 0x80;
const KEY_SIZE = 32;

/** The plaintext size of a file of `diskSize` bytes, or undefined if no file of this format has that size. */
export function plaintextSize(diskSize: number): number | undefined {
  if (!Number.isSafeInteger(diskSize) || diskSize < FILE_HEADER_SIZE) return undefined;
  const enc = diskSize - FILE_HEADER_SIZE;
  const full = Math.floor(enc / MAX_PACKAGE);
  const rest = enc % MAX_PACKAGE;
  if (rest > 0 && rest <= OVERHEAD) return undefined; // a package always carries at least one byte
  if (full + (rest > 0 ? 1 : 0) > MAX_PACKAGES) return undefined;
  return full * MAX_PAYLOAD + (rest > 0 ? rest - OVERHEAD : 0);
}

/** The on-disk size of a file holding `plainSize` plaintext bytes (inverse of `plaintextSize`). */
export function encryptedSize(plainSize: number): number {
  const full = Math.floor(plainSize / MAX_PAYLOAD);
  const rest = plainSize % MAX_PAYLOAD;
  return FILE_HEADER_SIZE + full * MAX_PACKAGE + (rest > 0 ? rest + OVERHEAD : 0);
}

/** Where package `index` of a file with `plainSize` plaintext bytes lies, and how much it carries. */
export interface PackageSpan {
  /** Byte offset of the package in the file. */
  offset: number;
  /** Plaintext bytes in the package. */
  payload: number;
  /** Whether it is the last package (the one with the final flag). */
  final: boolean;
}

/** The number of packages of a file with `plainSize` plaintext bytes. */
export function packageCount(plainSize: number): number {
  return Math.ceil(plainSize / MAX_PAYLOAD);
}

/** The position of package `index` (0-based) of a file with `plainSize` plaintext bytes. */
export function packageSpan(plainSize: number, index: number): PackageSpan {
  const count = packageCount(plainSize);
  const final = index === count - 1;
  return {
    offset: FILE_HEADER_SIZE + index * MAX_PACKAGE,
    payload: final ? plainSize - index * MAX_PAYLOAD : MAX_PAYLOAD,
    final,
  };
}

/** A new random file header (version + nonce). */
export function newFileHeader(): Buffer {
  const header = randomBytes(FILE_HEADER_SIZE);
  header[0] = FILE_VERSION;
  return header;
}

/** The file key from the passphrase and a file header, or undefined if the header is not this format's. */
export function fileKey(passphrase: Buffer, fileHeader: Buffer): Buffer | undefined {
  if (fileHeader.length !== FILE_HEADER_SIZE || fileHeader[0] !== FILE_VERSION) return undefined;
  return Buffer.from(hkdfSync('sha256', passphrase, fileHeader.subarray(1), Buffer.alloc(0), KEY_SIZE));
}

function aeadNonce(header: Buffer, seq: number): Buffer {
  const nonce = Buffer.from(header.subarray(4, PACKAGE_HEADER_SIZE));
  nonce.writeUInt32LE((nonce.readUInt32LE(8) ^ seq) >>> 0, 8);
  return nonce;
}

/** Seals packages of one stream: one random value, sequence numbers from 0. */
export class PackageSealer {
  private readonly random = randomBytes(12);
  private seq = 0;

  constructor(private readonly key: Buffer) {}

  /** Encrypts 1..65536 bytes into one package (`final` only for the last one). */
  seal(payload: Buffer, final: boolean): Buffer {
    if (payload.length < 1 || payload.length > MAX_PAYLOAD)
      throw new RangeError('invalid package payload size');
    if (this.seq >= MAX_PACKAGES) throw new RangeError('too many packages for one stream');
    const out = Buffer.allocUnsafe(OVERHEAD + payload.length);
    out[0] = PACKAGE_VERSION;
    out[1] = CIPHER_AES_256_GCM;
    out.writeUInt16LE(payload.length - 1, 2);
    this.random.copy(out, 4);
    out[4] = final ? out[4] | FINAL_FLAG : out[4] & ~FINAL_FLAG;
    const cipher = createCipheriv('aes-256-gcm', this.key, aeadNonce(out, this.seq), {
      authTagLength: TAG_SIZE,
    });
    cipher.setAAD(out.subarray(0, 4));
    let at = PACKAGE_HEADER_SIZE;
    at += cipher.update(payload).copy(out, at);
    at += cipher.final().copy(out, at);
    cipher.getAuthTag().copy(out, at);
    this.seq++;
    return out;
  }
}

/** Thrown when a package is not authentic or not where the layout says; callers map it to their error. */
export class IntegrityError extends Error {
  constructor(detail: string) {
    super(`integrity check failed: ${detail}`);
    this.name = 'IntegrityError';
  }
}

/**
 * Opens the packages of one stream, in order from any starting package. Besides the AEAD, checks what
 * sio checks: version, cipher (the same for all packages), length, final flag and the shared random
 * value (against the first package opened).
 */
export class PackageOpener {
  private reference?: Buffer;

  constructor(private readonly key: Buffer) {}

  /** The plaintext of `pkg`, which must be package `seq` with the `span` the file size implies. */
  open(pkg: Buffer, seq: number, span: PackageSpan): Buffer {
    if (pkg.length !== span.payload + OVERHEAD) throw new IntegrityError('short package');
    const header = pkg.subarray(0, PACKAGE_HEADER_SIZE);
    if (header[0] !== PACKAGE_VERSION) throw new IntegrityError('unsupported package version');
    const suite = header[1];
    if (suite !== CIPHER_AES_256_GCM && suite !== CIPHER_CHACHA20_POLY1305) {
      throw new IntegrityError('unsupported cipher suite');
    }
    if (header.readUInt16LE(2) + 1 !== span.payload) throw new IntegrityError('package length mismatch');
    if (((header[4] & FINAL_FLAG) !== 0) !== span.final) throw new IntegrityError('final flag mismatch');
    const masked = Buffer.from(header.subarray(0, PACKAGE_HEADER_SIZE));
    masked[4] &= ~FINAL_FLAG;
    masked.writeUInt16LE(0, 2); // the length differs on the last package; compare version, suite, random
    if (this.reference === undefined) this.reference = masked;
    else if (!this.reference.equals(masked)) throw new IntegrityError('package header mismatch');

    const nonce = aeadNonce(header, seq);
    const decipher =
      suite === CIPHER_AES_256_GCM
        ? createDecipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_SIZE })
        : createDecipheriv('chacha20-poly1305', this.key, nonce, { authTagLength: TAG_SIZE });
    decipher.setAAD(header.subarray(0, 4), { plaintextLength: span.payload });
    decipher.setAuthTag(pkg.subarray(PACKAGE_HEADER_SIZE + span.payload));
    const plain = decipher.update(pkg.subarray(PACKAGE_HEADER_SIZE, PACKAGE_HEADER_SIZE + span.payload));
    try {
      decipher.final(); // throws on a tag mismatch: `plain` is then never released
    } catch {
      throw new IntegrityError('authentication failed');
    }
    return plain;
  }
}
