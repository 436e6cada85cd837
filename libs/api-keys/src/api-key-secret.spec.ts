import { PasswordHasher } from '@app/common';
import { hashSecret, isKnownHash, newKeyPart, parsePresentedKey, verifySecret } from './api-key-secret';

describe('API key secrets', () => {
  const hasher = new PasswordHasher({ algo: 'bcrypt', bcrypt_options: { cost: 4 } } as never, true);

  it('generates 22-character base57 ids and secrets, all different', () => {
    const parts = new Set(Array.from({ length: 200 }, () => newKeyPart()));
    expect(parts.size).toBe(200);
    for (const part of parts) expect(part).toMatch(/^[2-9A-HJ-NP-Za-km-z]{22}$/);
  });

  it('verifies an HMAC hash bound to its key id only', async () => {
    const hash = hashSecret('id1', 'secret');
    expect(isKnownHash(hash)).toBe(true);
    expect(hash).not.toContain('secret');
    await expect(verifySecret(hasher, 'id1', 'secret', hash)).resolves.toBe(true);
    await expect(verifySecret(hasher, 'id1', 'secreT', hash)).resolves.toBe(false);
    await expect(verifySecret(hasher, 'id2', 'secret', hash)).resolves.toBe(false);
    await expect(verifySecret(hasher, 'id1', '', hash)).resolves.toBe(false);
  });

  it('verifies bcrypt hashes of keys imported from SFTPGo, never an unknown format', async () => {
    const bcrypt = await hasher.hash('imported');
    expect(isKnownHash(bcrypt)).toBe(true);
    await expect(verifySecret(hasher, 'any', 'imported', bcrypt)).resolves.toBe(true);
    await expect(verifySecret(hasher, 'any', 'other', bcrypt)).resolves.toBe(false);
    expect(isKnownHash('plain-text')).toBe(false);
    await expect(verifySecret(hasher, 'any', 'plain-text', 'plain-text')).resolves.toBe(false);
  });

  it('splits the header as SFTPGo does (at most three parts, the username may hold dots)', () => {
    expect(parsePresentedKey('abc')).toBeUndefined();
    expect(parsePresentedKey('id.secret')).toEqual({ keyId: 'id', secret: 'secret', username: '' });
    expect(parsePresentedKey('id.secret.alice')).toEqual({
      keyId: 'id',
      secret: 'secret',
      username: 'alice',
    });
    expect(parsePresentedKey('id.secret.a.b.c')).toEqual({
      keyId: 'id',
      secret: 'secret',
      username: 'a.b.c',
    });
    expect(parsePresentedKey('.')).toEqual({ keyId: '', secret: '', username: '' });
  });
});
