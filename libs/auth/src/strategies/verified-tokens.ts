import { Strategy } from 'passport-jwt';

/** passport-jwt's verification hook (a static of its Strategy, not in its typings). */
type JwtVerifier = (
  token: string,
  secretOrKey: unknown,
  options: unknown,
  callback: (error: Error | null, payload?: unknown) => void,
) => void;

/** Tokens remembered per signing key (an application's key object). */
const MAX_ENTRIES = 10_000;

interface Verified {
  payload: { exp?: number };
  /** Epoch ms after which the entry is not used (the token's `exp`). */
  until: number;
}

const verifiedByKey = new WeakMap<object, Map<string, Verified>>();

/**
 * A token string that verified once with a key verifies again with that key until it expires: the
 * signature check (HMAC) and the two JSON parses of jsonwebtoken are skipped for it. Failures are
 * never cached, and everything about the token's subject (revocation, account state, audience, IP)
 * is still checked on every request by the strategies.
 */
function cachedVerifier(verify: JwtVerifier): JwtVerifier {
  return (token, secretOrKey, options, callback) => {
    const cache =
      typeof secretOrKey === 'object' && secretOrKey !== null ? verifiedByKey.get(secretOrKey) : undefined;
    const hit = cache?.get(token);
    if (hit && Date.now() < hit.until) {
      callback(null, hit.payload);
      return;
    }
    verify(token, secretOrKey, options, (error, payload) => {
      if (!error && typeof secretOrKey === 'object' && secretOrKey !== null) {
        remember(secretOrKey, token, payload as Verified['payload']);
      }
      callback(error, payload);
    });
  };
}

function remember(key: object, token: string, payload: Verified['payload']): void {
  if (typeof payload?.exp !== 'number') return;
  let cache = verifiedByKey.get(key);
  if (!cache) {
    cache = new Map();
    verifiedByKey.set(key, cache);
  }
  const now = Date.now();
  // Oldest first (insertion order): drop expired ones, and the oldest while over the bound.
  for (const [old, entry] of cache) {
    if (entry.until > now && cache.size < MAX_ENTRIES) break;
    cache.delete(old);
  }
  cache.set(token, { payload: Object.freeze(payload), until: payload.exp * 1000 });
}

const hook = Strategy as unknown as { JwtVerifier: JwtVerifier & { cached?: true } };
if (!hook.JwtVerifier.cached) {
  hook.JwtVerifier = Object.assign(cachedVerifier(hook.JwtVerifier), { cached: true as const });
}
