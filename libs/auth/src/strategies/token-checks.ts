import { type AnyRequest, clientIp, UnauthorizedError } from '@app/common';
import type { SftpgoConfig } from '@app/config';
import { PassportStrategy } from '@nestjs/passport';
import { Passport } from 'passport';
import { ExtractJwt, Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import { TokenRevocationService, tokenHash } from '../token-revocation.service';
import type { TokenAudience, TokenClaims, TokenService } from '../token.service';
import './verified-tokens';

/** The bearer token of a request (`Authorization: Bearer`, scheme case-insensitive). */
export const extractBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * The base of the bearer-token strategies: passport-jwt registered with a private passport
 * instance (@nestjs/passport's `getPassportInstance` hook, not in its typings), never the
 * process-wide one, since the guard runs each strategy instance directly.
 */
export function BearerTokenStrategy(name: string) {
  abstract class BearerStrategy extends PassportStrategy(Strategy, name) {
    getPassportInstance(): object {
      return new Passport();
    }
  }
  return BearerStrategy;
}

/** passport-jwt options shared by the admin and user strategies: HS256, 30 s leeway, request passed. */
export function bearerStrategyOptions(tokens: TokenService): StrategyOptionsWithRequest {
  return {
    jwtFromRequest: extractBearer,
    // jsonwebtoken takes a KeyObject; passport-jwt's typings only list string | Buffer.
    secretOrKey: tokens.signingKey as unknown as Buffer,
    algorithms: ['HS256'],
    jsonWebTokenOptions: { clockTolerance: 30 },
    passReqToCallback: true,
  };
}

/** `httpd.token_validation` bits. */
export const TokenValidation = { NoIpBinding: 1, CheckSignature: 2 } as const;

/** The request the token checks read (a Fastify request: its headers, and its Node request for the client IP). */
export type TokenRequest = AnyRequest & { headers: Record<string, string | string[] | undefined> };

/** A token that passed the envelope checks: its hash, expiry and the client IP. */
export interface CheckedToken {
  hash: string;
  expiresAt: number;
  ip: string;
}

/** The principal's current state, as far as the token checks care. */
export interface TokenSubjectState {
  credentialStamp: string;
  updatedAt: number;
}

/** Token hashes by claims object: a token re-verified from the cache keeps its claims object. */
const hashes = new WeakMap<TokenClaims, string>();

function hashOf(request: TokenRequest, claims: TokenClaims): string {
  let hash = hashes.get(claims);
  if (hash === undefined) {
    hash = tokenHash(extractBearer(request as never) ?? '');
    hashes.set(claims, hash);
  }
  return hash;
}

/**
 * SFTPGo's per-request token checks, in its order: revoked, audience, client IP binding (unless
 * `token_validation` bit 1), username claim. Same for admin and user tokens.
 */
export function checkTokenEnvelope(
  request: TokenRequest,
  claims: TokenClaims,
  audience: TokenAudience,
  revocations: TokenRevocationService,
  config: SftpgoConfig,
): CheckedToken {
  const hash = hashOf(request, claims);
  if (revocations.isRevoked(hash)) throw noLongerValid();
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(audience)) throw new UnauthorizedError('', 'Your token audience is not valid');
  const ip = clientIp(request);
  if (!(config.httpd.token_validation & TokenValidation.NoIpBinding) && !audiences.includes(ip)) {
    throw new UnauthorizedError('', 'Your token is not valid');
  }
  if (typeof claims.username !== 'string' || !claims.username) {
    throw new UnauthorizedError('', 'Invalid token claims');
  }
  return { hash, expiresAt: claims.exp * 1000, ip };
}

/**
 * True when the token still matches its principal: same credential stamp and, with
 * `token_validation` bit 2, the same `updated_at` as when it was issued.
 */
export function tokenMatchesState(
  claims: TokenClaims,
  state: TokenSubjectState,
  config: SftpgoConfig,
): boolean {
  if (state.credentialStamp !== claims.stamp) return false;
  return (
    !(config.httpd.token_validation & TokenValidation.CheckSignature) ||
    String(state.updatedAt) === claims.sub
  );
}

/**
 * Refuses a token whose principal no longer allows it; as SFTPGo, such a token stays refused until
 * it expires, whatever happens to the account later.
 */
export async function refuseToken(token: CheckedToken, revocations: TokenRevocationService): Promise<never> {
  await revocations.revoke(token.hash, token.expiresAt);
  throw noLongerValid();
}

function noLongerValid(): UnauthorizedError {
  return new UnauthorizedError('', 'Your token is no longer valid');
}
