import { AdminsService } from '@app/admins';
import { normalizeIp, type Principal, UnauthorizedError } from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Passport } from 'passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { TokenRevocationService, tokenHash } from '../token-revocation.service';
import { TokenAudience, type TokenClaims, TokenService } from '../token.service';

/** Passport name of the admin bearer-token strategy. */
export const ADMIN_JWT = 'admin-jwt';

const extractBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/** `httpd.token_validation` bits. */
const TokenValidation = { NoIpBinding: 1, CheckSignature: 2 } as const;

interface RequestLike {
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Admin bearer tokens, checked in SFTPGo's order (revoked, audience, client IP, principal) and
 * then against the admin's current state: a disabled, deleted or re-passworded admin's tokens stop
 * working at once, and permissions come from the account, not from the token.
 */
@Injectable()
export class AdminJwtStrategy extends PassportStrategy(Strategy, ADMIN_JWT) {
  constructor(
    tokens: TokenService,
    private readonly revocations: TokenRevocationService,
    private readonly admins: AdminsService,
    @InjectConfig() private readonly config: SftpgoConfig,
  ) {
    super({
      jwtFromRequest: extractBearer,
      // jsonwebtoken takes a KeyObject; passport-jwt's typings only list string | Buffer.
      secretOrKey: tokens.signingKey as unknown as Buffer,
      algorithms: ['HS256'],
      jsonWebTokenOptions: { clockTolerance: 30 },
      passReqToCallback: true,
    });
  }

  /**
   * @nestjs/passport's hook (not in its typings): register with a private passport instance, never
   * the process-wide one, since the guard runs this instance directly.
   */
  getPassportInstance(): object {
    return new Passport();
  }

  async validate(request: RequestLike, claims: TokenClaims): Promise<Principal> {
    const token = extractBearer(request as never) ?? '';
    const hash = tokenHash(token);
    const expiresAt = claims.exp * 1000;
    if (this.revocations.isRevoked(hash)) throw noLongerValid();
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audience.includes(TokenAudience.AdminApi)) {
      throw new UnauthorizedError('', 'Your token audience is not valid');
    }
    const validation = this.config.httpd.token_validation;
    if (!(validation & TokenValidation.NoIpBinding) && !audience.includes(normalizeIp(request.ip))) {
      throw new UnauthorizedError('', 'Your token is not valid');
    }
    if (typeof claims.username !== 'string' || !claims.username) {
      throw new UnauthorizedError('', 'Invalid token claims');
    }
    const state = await this.admins.authState(claims.username);
    const current =
      state !== undefined &&
      state.status === 1 &&
      state.credentialStamp === claims.stamp &&
      (!(validation & TokenValidation.CheckSignature) || String(state.updatedAt) === claims.sub);
    if (!state || !current) {
      // As SFTPGo: a token failing the principal check stays refused until it expires.
      await this.revocations.revoke(hash, expiresAt);
      throw noLongerValid();
    }
    return {
      kind: 'admin',
      username: state.username,
      permissions: state.permissions,
      role: state.role,
      authMethod: 'jwt',
      token: { hash, expiresAt },
      mustChangePassword: state.requirePasswordChange,
    };
  }
}

function noLongerValid(): UnauthorizedError {
  return new UnauthorizedError('', 'Your token is no longer valid');
}
