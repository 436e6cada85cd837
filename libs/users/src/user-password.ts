/**
 * Prefixes of the password hashes SFTPGo stores as given (`hashPwdPrefixes`), plus `$2b$`/`$2y$`: SFTPGo
 * would hash those bcrypt variants again as plain text, breaking the imported login; we keep them.
 */
const HASH_PREFIXES = [
  '$argon2id$',
  '$2a$',
  '$2b$',
  '$2y$',
  '$pbkdf2-sha1$',
  '$pbkdf2-sha256$',
  '$pbkdf2-sha512$',
  '$pbkdf2-b64salt-sha256$',
  '$1$',
  '$apr1$',
  '$5$',
  '$6$',
  '$y$',
  '{MD5}',
  '{SHA256}',
  '{SHA512}',
];

/** True when a user's password is already a hash SFTPGo recognises (stored as-is, never re-hashed). */
export function isUserPasswordHash(value: string): boolean {
  return HASH_PREFIXES.some((prefix) => value.startsWith(prefix));
}
