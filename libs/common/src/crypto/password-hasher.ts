import * as argon2 from 'argon2';
import * as bcrypt from 'bcrypt';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Options of `data_provider.password_hashing`, as SFTPGo names them. */
export interface PasswordHashingOptions {
  algo: 'bcrypt' | 'argon2id';
  bcrypt_options: { cost: number };
  argon2_options: { memory: number; iterations: number; parallelism: number };
}

const BCRYPT_PREFIXES = ['$2a$', '$2b$', '$2y$'];
const ARGON2ID_PREFIX = '$argon2id$';

/** True when `value` already is a bcrypt or argon2id hash (as found in SFTPGo backups). */
export function isPasswordHash(value: string): boolean {
  return value.startsWith(ARGON2ID_PREFIX) || BCRYPT_PREFIXES.some((p) => value.startsWith(p));
}

/**
 * Hashes and verifies passwords: bcrypt (SFTPGo's default, cost 10) or argon2id. Verification accepts
 * hashes made elsewhere (`$2a$`, `$2b$`, `$2y$`, `$argon2id$`) whatever the configured algorithm.
 */
export class PasswordHasher {
  /**
   * `password_caching` (SFTPGo's default): a successful verification is remembered as an HMAC of
   * the password under a per-process random key, so repeated logins skip the slow hash.
   */
  private readonly cache = new Map<string, Buffer>();
  private readonly cacheKey = randomBytes(32);
  private static readonly CACHE_SIZE = 1000;

  constructor(
    private readonly options: PasswordHashingOptions,
    private readonly caching = true,
  ) {}

  /** Hashes a plain password with the configured algorithm. */
  async hash(plain: string): Promise<string> {
    if (this.options.algo === 'argon2id') {
      const { memory, iterations, parallelism } = this.options.argon2_options;
      const hash = await argon2.hash(plain, {
        type: argon2.argon2id,
        memoryCost: memory,
        timeCost: iterations,
        parallelism,
        hashLength: 32,
      });
      // SFTPGo (alexedwards/argon2id) parses the parameters only in the order m, t, p.
      return hash.replace(/\$m=(\d+),p=(\d+),t=(\d+)\$/, '$m=$1,t=$3,p=$2$');
    }
    // `$2a$` like SFTPGo, so that a dump of ours loads into SFTPGo with its hashes recognised.
    const salt = await bcrypt.genSalt(this.options.bcrypt_options.cost, 'a');
    return bcrypt.hash(plain, salt);
  }

  /** Constant-time verification; false for an empty password, an empty hash or an unknown format. */
  async verify(plain: string, hash: string): Promise<boolean> {
    if (!plain || !hash) return false;
    const mac = createHmac('sha256', this.cacheKey).update(plain).digest();
    const cached = this.caching ? this.cache.get(hash) : undefined;
    if (cached && timingSafeEqual(cached, mac)) return true;
    const ok = await this.verifySlow(plain, hash);
    if (ok && this.caching) {
      if (this.cache.size >= PasswordHasher.CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(hash, mac);
    }
    return ok;
  }

  private async verifySlow(plain: string, hash: string): Promise<boolean> {
    try {
      if (hash.startsWith(ARGON2ID_PREFIX)) return await argon2.verify(hash, plain);
      if (BCRYPT_PREFIXES.some((p) => hash.startsWith(p))) {
        // `$2y$` is the same algorithm under PHP's name; the native binding knows `$2a$`/`$2b$`.
        return await bcrypt.compare(plain, hash.startsWith('$2y$') ? `$2b$${hash.slice(4)}` : hash);
      }
    } catch {
      return false;
    }
    return false;
  }
}
