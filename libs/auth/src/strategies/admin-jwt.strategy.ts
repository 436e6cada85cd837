import { AdminsService } from '@app/admins';
import type { Principal } from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Passport } from 'passport';
import { Strategy } from 'passport-jwt';
import { TokenRevocationService } from '../token-revocation.service';
import { TokenAudience, type TokenClaims, TokenService } from '../token.service';
import {
  checkTokenEnvelope,
  extractBearer,
  refuseToken,
  type TokenRequest,
  tokenMatchesState,
} from './token-checks';

/** Passport name of the admin bearer-token strategy. */
export const ADMIN_JWT = 'admin-jwt';

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

  async validate(request: TokenRequest, claims: TokenClaims): Promise<Principal> {
    const token = checkTokenEnvelope(request, claims, TokenAudience.AdminApi, this.revocations, this.config);
    const state = await this.admins.authState(claims.username);
    if (!state || state.status !== 1 || !tokenMatchesState(claims, state, this.config)) {
      return refuseToken(token, this.revocations);
    }
    return {
      kind: 'admin',
      username: state.username,
      permissions: state.permissions,
      role: state.role,
      authMethod: 'jwt',
      token: { hash: token.hash, expiresAt: token.expiresAt },
      mustChangePassword: state.requirePasswordChange,
    };
  }
}
