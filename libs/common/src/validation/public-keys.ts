import { createPublicKey } from 'node:crypto';
import { ValidationError } from '../errors/api-error';

/** A key that cannot be parsed; the message mirrors golang.org/x/crypto/ssh's. */
class KeyParseError extends Error {}

/** Reads the SSH wire format (RFC 4251): uint32 length-prefixed strings and mpints. */
class WireReader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  string(): Buffer {
    if (this.offset + 4 > this.buf.length) throw new KeyParseError('ssh: short read');
    const len = this.buf.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (start + len > this.buf.length) throw new KeyParseError('ssh: short read');
    this.offset = start + len;
    return this.buf.subarray(start, start + len);
  }

  /** A non-negative mpint; returns its magnitude without leading zero bytes. */
  mpint(): Buffer {
    const raw = this.string();
    if (raw.length > 0 && raw[0] & 0x80) throw new KeyParseError('ssh: negative mpint');
    let i = 0;
    while (i < raw.length && raw[i] === 0) i += 1;
    return raw.subarray(i);
  }

  end(): void {
    if (this.offset !== this.buf.length) throw new KeyParseError('ssh: trailing junk in public key');
  }
}

function bitLength(magnitude: Buffer): number {
  if (magnitude.length === 0) return 0;
  return (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0]));
}

const CURVES: Record<string, { jwk: string; size: number }> = {
  nistp256: { jwk: 'P-256', size: 32 },
  nistp384: { jwk: 'P-384', size: 48 },
  nistp521: { jwk: 'P-521', size: 66 },
};

function checkEcPoint(curveName: string, point: Buffer): void {
  const curve = CURVES[curveName];
  if (!curve) throw new KeyParseError('ssh: unsupported curve');
  if (point.length !== 1 + 2 * curve.size || point[0] !== 0x04) {
    throw new KeyParseError('ssh: invalid ECDSA public key');
  }
  try {
    // OpenSSL refuses points that are not on the curve.
    createPublicKey({
      key: {
        kty: 'EC',
        crv: curve.jwk,
        x: point.subarray(1, 1 + curve.size).toString('base64url'),
        y: point.subarray(1 + curve.size).toString('base64url'),
      },
      format: 'jwk',
    });
  } catch {
    throw new KeyParseError('ssh: invalid ECDSA public key');
  }
}

/** What we learn from a parsed key blob. */
interface ParsedKey {
  type: string;
  rsaBits?: number;
  dsa?: boolean;
}

/** Parses the fields after the type (and after the nonce for certificates) of a key blob. */
function parseKeyFields(baseType: string, r: WireReader): ParsedKey {
  switch (baseType) {
    case 'ssh-rsa': {
      const e = r.mpint();
      const n = r.mpint();
      // As x/crypto/ssh: the exponent must fit 24 bits, be odd and >= 3.
      if (bitLength(e) > 24) throw new KeyParseError('ssh: exponent too large');
      const exp = e.length === 0 ? 0 : e.readUIntBE(0, e.length);
      if (exp < 3 || exp % 2 === 0) throw new KeyParseError('ssh: incorrect exponent');
      return { type: baseType, rsaBits: bitLength(n) };
    }
    case 'ssh-dss':
      r.mpint();
      r.mpint();
      r.mpint();
      r.mpint();
      return { type: baseType, dsa: true };
    case 'ssh-ed25519':
    case 'sk-ssh-ed25519@openssh.com': {
      if (r.string().length !== 32) throw new KeyParseError('ssh: invalid size for ed25519 key');
      if (baseType.startsWith('sk-')) r.string(); // application
      return { type: baseType };
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
    case 'sk-ecdsa-sha2-nistp256@openssh.com': {
      const curve = r.string().toString('latin1');
      const expected = baseType.startsWith('sk-') ? 'nistp256' : baseType.slice('ecdsa-sha2-'.length);
      if (curve !== expected) throw new KeyParseError('ssh: curve name mismatch');
      checkEcPoint(curve, r.string());
      if (baseType.startsWith('sk-')) r.string(); // application
      return { type: baseType };
    }
    default:
      throw new KeyParseError(`ssh: unknown key algorithm: ${baseType}`);
  }
}

const CERT_SUFFIX = '-cert-v01@openssh.com';

/** Parses one `[options] <type> <base64> [comment]` line; throws KeyParseError. */
function parseAuthorizedKeyLine(line: string): ParsedKey {
  const fields = line.split(/[ \t]+/);
  // The key may follow an options field (`command="...",no-pty ssh-ed25519 AAAA...`); options
  // may contain quoted blanks, so try every position whose next field decodes as a key.
  let lastError: KeyParseError = new KeyParseError('ssh: no key found');
  for (let i = 0; i + 1 < fields.length; i += 1) {
    try {
      return parseKeyBlob(fields[i], fields[i + 1]);
    } catch (err) {
      if (!(err instanceof KeyParseError)) throw err;
      if (i === 0) lastError = err;
    }
  }
  throw lastError;
}

function parseKeyBlob(declaredType: string, base64: string): ParsedKey {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw new KeyParseError('illegal base64 data');
  }
  const blob = Buffer.from(base64, 'base64');
  const r = new WireReader(blob);
  const type = r.string().toString('latin1');
  if (type !== declaredType) throw new KeyParseError(`ssh: key type mismatch: ${declaredType} != ${type}`);
  let parsed: ParsedKey;
  if (type.endsWith(CERT_SUFFIX)) {
    r.string(); // nonce
    parsed = { ...parseKeyFields(type.slice(0, -CERT_SUFFIX.length), r), type };
    // The rest of a certificate (serial, principals, validity, signature) is not needed to
    // accept it as an authorized key; SSH authentication verifies it.
  } else {
    parsed = parseKeyFields(type, r);
    r.end();
  }
  return parsed;
}

/**
 * Validates `public_keys` as SFTPGo does: empty entries skipped, every other entry must hold an
 * OpenSSH authorized key (`error parsing public key at position N: ...`), DSA keys and RSA keys
 * under 2048 bits refused, duplicates removed. Entries are stored as given.
 */
export function validatePublicKeys(keys: unknown): string[] {
  if (keys === undefined || keys === null) return [];
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
    throw new ValidationError('public_keys must be a list of strings');
  }
  const valid: string[] = [];
  (keys as string[]).forEach((key, idx) => {
    if (key === '') return;
    let parsed: ParsedKey | undefined;
    let lastError: KeyParseError = new KeyParseError('ssh: no key found');
    // Like ssh.ParseAuthorizedKey: the first line holding a key counts; blank and # lines are skipped.
    for (const rawLine of key.split('\n')) {
      const line = rawLine.trim();
      if (line === '' || line.startsWith('#')) continue;
      try {
        parsed = parseAuthorizedKeyLine(line);
        break;
      } catch (err) {
        if (!(err instanceof KeyParseError)) throw err;
        lastError = err;
      }
    }
    if (!parsed) {
      throw new ValidationError(`error parsing public key at position ${idx}: ${lastError.message}`);
    }
    if (parsed.dsa) {
      throw new ValidationError(
        `DSA key format is insecure and it is not allowed for key at position ${idx}`,
      );
    }
    if (parsed.rsaBits !== undefined && parsed.rsaBits < 2048) {
      throw new ValidationError(
        `invalid size ${parsed.rsaBits} for rsa key at position ${idx}, minimum 2048`,
      );
    }
    valid.push(key);
  });
  return [...new Set(valid)];
}
