import { generateKeyPairSync } from 'node:crypto';
import { ValidationError } from '../errors/api-error';
import { validatePublicKeys } from './public-keys';

// Generated with ssh-keygen (OpenSSH 9).
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK7ZoEYE1OltgncHs7TdD3mCNDYTsBAp9c2XpPSXJ8VF ced25519';
const ECDSA256 =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMv6OWae227qPp7QFiM3m5d7QKyMmBCaefedDiqE74Z9ad0XwfSi31p0aAr1FqRfBVISc87MTPjgQXpoRIjpROM= cecdsab256';
const ECDSA384 =
  'ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBE8QvyR7z7l/Z7hqeEzie0FXn2eaOYpLyAubSGnevSQcCxz7lw479KIOyma9i0y+I+tWmnuCENA+FElsffe9YS00SzUS/DX1JZV/MPo9UpAFCrgu7tit9vvgZL87MLXFvA== cecdsab384';
const ECDSA521 =
  'ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBABrXIKNLERAl0pTr+L58XPR6eQ5sWaxk8OsyfEPkU/DUG++zywrKXQwH/AiYH99lXu92B0XZ3Ga3OP97lVpAWFDZgETiTYo1hOdY68Bya16ttruUCN+dBNxLX5RaBgom96mGNdYuYeoD2mS0iwOOWt1O9py4mKpSx3goM+ykp7Ak6qe2w== cecdsab521';
const RSA2048 =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC4LD53bDRfk8Z4i8vGWxqlqtbszepmGNo4YwuDzZpmmsmNkOJIgPVFfIZuHSoBiXK5EWhjWb0IN0r3OYqu67YP80ivJ0lHBkMiorCWt9sAZXtchnkNJv7QS21/9odNc4SzVMNoWB9ZRQC+pkDR05TWnfVxy7C9oXDtVYfhk1LAhKLCngTJ4pIDxrsWFC9tZG1dXVel4MleUN9ypcjGpb51dP6W0vDDpud9cpvAP/bK6Qkrx+3vaP3tzQSqfXYEsSMlNJy06koVAAnC9K0t3M3cuIo/WSoZRimEiyDZG0cAKxEBEWZhG+k0d/HXfNQWIWA8TwX1CjIhzcp6xrYSaz6x crsab2048';
const RSA1024 =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCoYeRaPesAGOMp+IN822dkqEsgsU3q91gb1H19yj7+NX15kbCUrHdW+VRVlpJResWc3lMTS7rIGDmu0wLBGbM07GcYMhFnoSPE/YHvUjxXyQbBlYdtlOJhyiBPJU3+KCEw5L7kyn79YjR9NQXEpdcojSWBmxjKhQ40zgnZrUIHZQ== crsab1024';
const DSA =
  'ssh-dss AAAAB3NzaC1kc3MAAACBAJd5VaP5j3u40gEfY1jDz4Cj/Abl6gvdEBHGPUD6zWEzvtDXU/XpbKBV43C4hsU7Dui09+lj8Ea8XNLlyGbB7gZCezCsXomeg9HZIUGyWcRKurLCUzrwf+AnmT+Ubj/Y8CvNkOxWDUGDTA7rmk0QncMtFgbQTxiV5F5NEflgsRUJAAAAFQCDtA4iL7OVBmWsmQHfcdfZME3RxwAAAIBFRR/H6vRASAkA3u66oERoUmQWHbgDTddoHfZDnhJr3xHnGCVJsvnFEtOjilaCQ5eoed3g0QnrEDWnyBf52fPFDm1D9tJ7MEoqoWUpa2pOLGvdNdxC/1k+MGcUBKzriZL0ZVtbboyKbIQucGQDdBluA5cruer7o0SfeQ30UKj5dwAAAIEAjjpcuL5P1Y8+9FN6mv3oeaBGShyVnUN6yNYBJvs11iH3HpF6syAV5Y7t09//zMjNgx+gDiRwcGAC5D/aYloBiMvXsxCaGGvh3mLnYXN+8zkFsreC5KTynkgwQZP04dwnlu61yT3Ihu1XswkC4OT3b3KcqpA4LO8tkh+Frm7grwk= cdsa';
const ECDSA_CERT =
  'ecdsa-sha2-nistp256-cert-v01@openssh.com AAAAKGVjZHNhLXNoYTItbmlzdHAyNTYtY2VydC12MDFAb3BlbnNzaC5jb20AAAAgH8tW3UKR6XNtJVQF+LrgYGMlFcnsUxcHxrBs8wsA7zAAAAAIbmlzdHAyNTYAAABBBMv6OWae227qPp7QFiM3m5d7QKyMmBCaefedDiqE74Z9ad0XwfSi31p0aAr1FqRfBVISc87MTPjgQXpoRIjpROMAAAAAAAAAAAAAAAEAAAACaWQAAAAFAAAAAXUAAAAAAAAAAP//////////AAAAAAAAAIIAAAAVcGVybWl0LVgxMS1mb3J3YXJkaW5nAAAAAAAAABdwZXJtaXQtYWdlbnQtZm9yd2FyZGluZwAAAAAAAAAWcGVybWl0LXBvcnQtZm9yd2FyZGluZwAAAAAAAAAKcGVybWl0LXB0eQAAAAAAAAAOcGVybWl0LXVzZXItcmMAAAAAAAAAAAAAADMAAAALc3NoLWVkMjU1MTkAAAAgrtmgRgTU6W2CdweztN0PeYI0NhOwECn1zZek9JcnxUUAAABTAAAAC3NzaC1lZDI1NTE5AAAAQBKJLbn52oZg23pGRKqI7GnP6uOywSxowD32pRP8ba4+c4btTkD+J/C5mxYLgY1lbyrBr41JcuDM2EmrgKLpAw4= cecdsab256';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.error;
    throw err;
  }
  throw new Error('no error thrown');
}

/** SSH wire string: uint32 length + bytes. */
function str(value: Buffer | string): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
}

/** SSH mpint from a big-endian magnitude (a leading zero when the top bit is set). */
function mpint(magnitude: Buffer): Buffer {
  return str(magnitude[0] & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude);
}

function line(type: string, ...parts: Buffer[]): string {
  return `${type} ${Buffer.concat([str(type), ...parts]).toString('base64')} comment`;
}

function ed25519Raw(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  return Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
}

function p256Point(): Buffer {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x ?? '', 'base64url'),
    Buffer.from(jwk.y ?? '', 'base64url'),
  ]);
}

describe('validatePublicKeys', () => {
  it('accepts nothing as an empty list', () => {
    expect(validatePublicKeys(undefined)).toEqual([]);
    expect(validatePublicKeys(null)).toEqual([]);
    expect(validatePublicKeys([])).toEqual([]);
  });

  it('refuses a non-list or non-string entries', () => {
    expect(errorOf(() => validatePublicKeys('ssh-ed25519 AAAA'))).toBe(
      'Validation error: public_keys must be a list of strings',
    );
    expect(errorOf(() => validatePublicKeys([1]))).toBe(
      'Validation error: public_keys must be a list of strings',
    );
  });

  it('accepts ed25519, ecdsa and rsa >= 2048 keys as given', () => {
    const keys = [ED25519, ECDSA256, ECDSA384, ECDSA521, RSA2048];
    expect(validatePublicKeys(keys)).toEqual(keys);
  });

  it('accepts a key without comment, with options, or after comment lines', () => {
    const bare = ED25519.split(' ').slice(0, 2).join(' ');
    const withOptions = `command="echo a b",no-pty ${ED25519}`;
    const multiLine = `# my key\n\n${RSA2048}\n`;
    expect(validatePublicKeys([bare, withOptions, multiLine])).toEqual([bare, withOptions, multiLine]);
  });

  it('accepts an OpenSSH certificate', () => {
    expect(validatePublicKeys([ECDSA_CERT])).toEqual([ECDSA_CERT]);
  });

  it('accepts security-key (sk-*) keys', () => {
    const skEd = line('sk-ssh-ed25519@openssh.com', str(ed25519Raw()), str('ssh:'));
    const skEc = line('sk-ecdsa-sha2-nistp256@openssh.com', str('nistp256'), str(p256Point()), str('ssh:'));
    expect(validatePublicKeys([skEd, skEc])).toEqual([skEd, skEc]);
  });

  it('skips empty entries and removes duplicates', () => {
    expect(validatePublicKeys(['', ED25519, '', ED25519, RSA2048])).toEqual([ED25519, RSA2048]);
  });

  it('refuses DSA keys', () => {
    expect(errorOf(() => validatePublicKeys([ED25519, DSA]))).toBe(
      'Validation error: DSA key format is insecure and it is not allowed for key at position 1',
    );
  });

  it('refuses RSA keys under 2048 bits', () => {
    expect(errorOf(() => validatePublicKeys([RSA1024]))).toBe(
      'Validation error: invalid size 1024 for rsa key at position 0, minimum 2048',
    );
  });

  it.each([
    ['garbage', 'not a key'],
    ['a single field', 'ssh-ed25519'],
    ['bad base64', 'ssh-ed25519 AAAA$$$'],
    ['a truncated blob', `ssh-ed25519 ${ED25519.split(' ')[1].slice(0, 40)}`],
    ['a type mismatch', `ssh-rsa ${ED25519.split(' ')[1]}`],
    ['an unknown algorithm', line('ssh-foo', str('x'))],
    ['trailing junk', line('ssh-ed25519', str(ed25519Raw()), str('junk'))],
    ['a short ed25519 key', line('ssh-ed25519', str(Buffer.alloc(31, 1)))],
    ['an even RSA exponent', line('ssh-rsa', mpint(Buffer.from([4])), mpint(Buffer.alloc(256, 0xff)))],
    ['a curve mismatch', line('ecdsa-sha2-nistp256', str('nistp384'), str(p256Point()))],
    [
      'a point off the curve',
      line(
        'ecdsa-sha2-nistp256',
        str('nistp256'),
        str(Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)])),
      ),
    ],
    ['only comments', '# nothing here'],
  ])('refuses %s with its position', (_what, key) => {
    expect(errorOf(() => validatePublicKeys([ED25519, key]))).toMatch(
      /^Validation error: error parsing public key at position 1: /,
    );
  });

  it('accepts a constructed RSA key of exactly 2048 bits and refuses 2047', () => {
    const n2048 = Buffer.alloc(256, 0xff);
    const n2047 = Buffer.concat([Buffer.from([0x7f]), Buffer.alloc(255, 0xff)]);
    const e = mpint(Buffer.from([1, 0, 1]));
    expect(validatePublicKeys([line('ssh-rsa', e, mpint(n2048))])).toHaveLength(1);
    expect(errorOf(() => validatePublicKeys([line('ssh-rsa', e, mpint(n2047))]))).toBe(
      'Validation error: invalid size 2047 for rsa key at position 0, minimum 2048',
    );
  });
});
