import { nowMs, toRfc3339Seconds } from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';
import { createHash, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { sign } from 'jsonwebtoken';

/** Token audiences of SFTPGo's REST API. */
export enum TokenAudience {
  AdminApi = 'API',
  UserApi = 'APIUser',
}

/** Claims of our API tokens: SFTPGo's, plus `stamp`, the principal's credential stamp. */
export interface TokenClaims {
  sub: string;
  aud: string[];
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  username: string;
  permissions?: string[];
  role?: string;
  '2fa_required'?: boolean;
  chpwd?: boolean;
  api_key?: string;
  stamp: string;
}

/** What a token is minted for. */
export interface TokenSubject {
  username: string;
  updatedAt: number;
  credentialStamp: string;
  permissions: string[];
  role: string;
  requireTwoFactor?: boolean;
  mustChangePassword?: boolean;
}

/** The token response of `/token` and `/user/token`. */
export interface TokenResponse {
  access_token: string;
  expires_at: string;
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** A 20-character lowercase base32hex id, the shape of SFTPGo's xid `jti`. */
function newTokenId(): string {
  const bytes = randomBytes(20);
  let id = '';
  for (const byte of bytes) id += BASE32HEX[byte & 31];
  return id;
}

/** Signs HS256 API tokens with a key derived from `httpd.signing_passphrase`. */
@Injectable()
export class TokenService {
  /**
   * SHA-256 of the passphrase, as SFTPGo derives it; random per start when none is set. A secret
   * KeyObject, not a Buffer: jsonwebtoken would otherwise try to parse it as a public key on every
   * verification (a thrown exception per request, a quarter of the CPU under load).
   */
  readonly signingKey: KeyObject;

  constructor(@InjectConfig() private readonly config: SftpgoConfig) {
    const passphrase = config.httpd.signing_passphrase;
    if (!passphrase) {
      new Logger(TokenService.name).warn(
        'httpd.signing_passphrase is not set: tokens are signed with a random key and die at restart',
      );
    }
    this.signingKey = createSecretKey(
      createHash('sha256')
        .update(passphrase || randomBytes(32))
        .digest(),
    );
  }

  /** Mints a token for `subject`, bound to `audience` and the client IP. */
  issue(subject: TokenSubject, audience: TokenAudience, clientIp: string): TokenResponse {
    const iat = Math.floor(nowMs() / 1000);
    const exp = iat + this.config.httpd.jwt_lifetime * 60;
    const claims: TokenClaims = {
      sub: String(subject.updatedAt),
      aud: [audience, clientIp],
      exp,
      nbf: iat - 10,
      iat,
      jti: newTokenId(),
      username: subject.username,
      stamp: subject.credentialStamp,
    };
    if (subject.permissions.length > 0) claims.permissions = subject.permissions;
    if (subject.role) claims.role = subject.role;
    if (subject.requireTwoFactor) claims['2fa_required'] = true;
    if (subject.mustChangePassword) claims.chpwd = true;
    const token = sign(claims, this.signingKey, { algorithm: 'HS256' });
    return { access_token: token, expires_at: toRfc3339Seconds(exp * 1000) };
  }
}
