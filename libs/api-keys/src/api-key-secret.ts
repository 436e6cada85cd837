import { PasswordHasher } from '@app/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createTranslator } from 'short-uuid';

/** SFTPGo's shortuuid alphabet (base57): ids and secrets are 22 characters of it. */
const SHORTUUID = createTranslator('23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz');

/** The prefix of this server's hashes of key secrets. */
const HMAC_PREFIX = '$hmac-sha256$';

/** A new key id or secret: 128 random bits (a UUIDv4) as 22 base57 characters, as SFTPGo. */
export function newKeyPart(): string {
  return SHORTUUID.generate();
}

/**
 * The stored hash of a new key's secret. Secrets are 122 random bits, so a slow password hash adds
 * nothing but CPU on every request: an HMAC-SHA256 keyed with the (public, unique) key id is as safe
 * against guessing and costs microseconds.
 */
export function hashSecret(keyId: string, secret: string): string {
  return `${HMAC_PREFIX}${createHmac('sha256', keyId).update(secret).digest('base64url')}`;
}

/** True when `hash` is a hash this server or SFTPGo writes (HMAC, bcrypt `$2a$`..., `$argon2id$`). */
export function isKnownHash(hash: string): boolean {
  return hash.startsWith(HMAC_PREFIX) || /^\$(2[aby]|argon2id)\$/.test(hash);
}

/**
 * Checks a presented secret: HMAC hashes directly (constant time), bcrypt/argon2id hashes imported
 * from SFTPGo through the password hasher (which caches a success). Anything else never matches
 * (SFTPGo would accept an unknown hash format without comparing: never here).
 */
export async function verifySecret(
  hasher: PasswordHasher,
  keyId: string,
  secret: string,
  hash: string,
): Promise<boolean> {
  if (!secret) return false;
  if (hash.startsWith(HMAC_PREFIX)) {
    const expected = Buffer.from(hash);
    const actual = Buffer.from(hashSecret(keyId, secret));
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  return hasher.verify(secret, hash);
}

/** The parts of an `X-SFTPGO-API-KEY` value: `<id>.<secret>[.<username>]` (the username may hold dots). */
export interface PresentedKey {
  keyId: string;
  secret: string;
  username: string;
}

/** Go's `strings.SplitN(value, ".", 3)`; undefined when there are fewer than two parts. */
export function parsePresentedKey(value: string): PresentedKey | undefined {
  const first = value.indexOf('.');
  if (first < 0) return undefined;
  const second = value.indexOf('.', first + 1);
  return {
    keyId: value.slice(0, first),
    secret: second < 0 ? value.slice(first + 1) : value.slice(first + 1, second),
    username: second < 0 ? '' : value.slice(second + 1),
  };
}
