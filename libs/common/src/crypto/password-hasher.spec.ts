import * as argon2 from 'argon2';
import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { isPasswordHash, PasswordHasher, PasswordHashingOptions } from './password-hasher';

// Count the slow comparisons to tell a cache hit from a real verification.
jest.mock('bcrypt', () => {
  const actual = jest.requireActual<typeof import('bcrypt')>('bcrypt');
  return { ...actual, compare: jest.fn(actual.compare) };
});

// Minimal costs: the behaviour under test does not depend on the work factor.
const FAST_ARGON2 = { memory: 1024, iterations: 1, parallelism: 1 };

function options(algo: PasswordHashingOptions['algo']): PasswordHashingOptions {
  return { algo, bcrypt_options: { cost: 4 }, argon2_options: FAST_ARGON2 };
}

describe('PasswordHasher', () => {
  describe('bcrypt', () => {
    const hasher = new PasswordHasher(options('bcrypt'), false);

    it('produces $2a$ hashes with the configured cost that verify', async () => {
      const hash = await hasher.hash('secret-pwd');
      expect(hash.startsWith('$2a$04$')).toBe(true);
      expect(await hasher.verify('secret-pwd', hash)).toBe(true);
      expect(await hasher.verify('secret-pwe', hash)).toBe(false);
    });

    it('salts every hash', async () => {
      const [a, b] = await Promise.all([hasher.hash('same'), hasher.hash('same')]);
      expect(a).not.toBe(b);
    });
  });

  describe('argon2id', () => {
    const hasher = new PasswordHasher(options('argon2id'), false);

    it('produces $argon2id$ hashes with the configured parameters that verify', async () => {
      const hash = await hasher.hash('secret-pwd');
      expect(hash.startsWith('$argon2id$')).toBe(true);
      // In SFTPGo's order (m, t, p), so that exported hashes verify there too.
      expect(hash.split('$')[3]).toBe('m=1024,t=1,p=1');
      expect(await hasher.verify('secret-pwd', hash)).toBe(true);
      expect(await hasher.verify('wrong', hash)).toBe(false);
    });
  });

  describe('verification of foreign hashes', () => {
    it('accepts a $2b$ hash made by bcrypt directly and its $2y$ spelling', async () => {
      const hash2b = await bcrypt.hash('from-elsewhere', 4);
      expect(hash2b.startsWith('$2b$')).toBe(true);
      const hash2y = `$2y$${hash2b.slice(4)}`;
      const hasher = new PasswordHasher(options('bcrypt'), false);
      expect(await hasher.verify('from-elsewhere', hash2b)).toBe(true);
      expect(await hasher.verify('from-elsewhere', hash2y)).toBe(true);
      expect(await hasher.verify('not-it', hash2y)).toBe(false);
    });

    it('accepts an argon2id hash in the m=,t=,p= layout that SFTPGo writes', async () => {
      const salt = randomBytes(16);
      const key = await argon2.hash('go-made', {
        type: argon2.argon2id,
        memoryCost: 1024,
        timeCost: 1,
        parallelism: 1,
        hashLength: 32,
        salt,
        raw: true,
      });
      const b64 = (buf: Buffer): string => buf.toString('base64').replace(/=+$/, '');
      const hash = `$argon2id$v=19$m=1024,t=1,p=1$${b64(salt)}$${b64(key)}`;
      const hasher = new PasswordHasher(options('bcrypt'), false);
      expect(await hasher.verify('go-made', hash)).toBe(true);
      expect(await hasher.verify('go-made!', hash)).toBe(false);
    });

    it('verifies bcrypt hashes when configured for argon2id and vice versa', async () => {
      const bcryptHasher = new PasswordHasher(options('bcrypt'), false);
      const argonHasher = new PasswordHasher(options('argon2id'), false);
      expect(await argonHasher.verify('pwd', await bcryptHasher.hash('pwd'))).toBe(true);
      expect(await bcryptHasher.verify('pwd', await argonHasher.hash('pwd'))).toBe(true);
    });
  });

  describe('rejections', () => {
    const hasher = new PasswordHasher(options('bcrypt'), true);
    let hash: string;

    beforeAll(async () => {
      hash = await hasher.hash('right');
    });

    it.each([
      ['a wrong password', 'wrong', () => hash],
      ['an empty password', '', () => hash],
      ['an empty hash', 'right', () => ''],
      ['a garbage hash', 'right', () => 'not-a-hash'],
      ['a truncated bcrypt hash', 'right', () => '$2a$04$abc'],
      ['a garbage argon2id hash', 'right', () => '$argon2id$v=19$garbage'],
      ['a plain text equal to the password', 'right', () => 'right'],
    ])('returns false for %s', async (_what, plain, hashOf) => {
      expect(await hasher.verify(plain, hashOf())).toBe(false);
    });
  });

  describe('caching', () => {
    it('keeps accepting the right password and rejecting a wrong one after a success', async () => {
      const hasher = new PasswordHasher(options('bcrypt'), true);
      const hash = await hasher.hash('cached-pwd');
      expect(await hasher.verify('cached-pwd', hash)).toBe(true);
      expect(await hasher.verify('cached-pwd', hash)).toBe(true);
      expect(await hasher.verify('cached-pwX', hash)).toBe(false);
      expect(await hasher.verify('', hash)).toBe(false);
      expect(await hasher.verify('cached-pwd', hash)).toBe(true);
    });

    it('serves the second verification from the cache without hashing again', async () => {
      const hasher = new PasswordHasher(options('bcrypt'), true);
      const hash = await hasher.hash('cached-pwd');
      const compare = jest.mocked(bcrypt.compare);
      compare.mockClear();
      expect(await hasher.verify('cached-pwd', hash)).toBe(true);
      expect(await hasher.verify('cached-pwd', hash)).toBe(true);
      expect(compare).toHaveBeenCalledTimes(1);
      // A wrong password is never answered from the cache.
      expect(await hasher.verify('cached-pwX', hash)).toBe(false);
      expect(compare).toHaveBeenCalledTimes(2);
    });

    it('does not remember a failed verification as a success', async () => {
      const hasher = new PasswordHasher(options('bcrypt'), true);
      const hash = await hasher.hash('real');
      expect(await hasher.verify('fake', hash)).toBe(false);
      expect(await hasher.verify('fake', hash)).toBe(false);
      expect(await hasher.verify('real', hash)).toBe(true);
    });

    it('with caching off, hashes on every verification', async () => {
      const hasher = new PasswordHasher(options('bcrypt'), false);
      const hash = await hasher.hash('uncached');
      const compare = jest.mocked(bcrypt.compare);
      compare.mockClear();
      expect(await hasher.verify('uncached', hash)).toBe(true);
      expect(await hasher.verify('uncached', hash)).toBe(true);
      expect(compare).toHaveBeenCalledTimes(2);
    });
  });
});

describe('isPasswordHash', () => {
  it.each(['$2a$10$abc', '$2b$10$abc', '$2y$10$abc', '$argon2id$v=19$m=65536,t=1,p=2$x$y'])(
    'recognises %s',
    (value) => {
      expect(isPasswordHash(value)).toBe(true);
    },
  );

  it.each(['', 'password', '$2x$10$abc', '$argon2i$v=19$m=65536,t=1,p=2$x$y', '$1$md5crypt', ' $2a$10$abc'])(
    'does not recognise %j',
    (value) => {
      expect(isPasswordHash(value)).toBe(false);
    },
  );
});
