import { AdminsService } from '@app/admins';
import type { Principal } from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { TokenRevocationService } from '../token-revocation.service';
import { TokenAudience, type TokenClaims, TokenService } from '../token.service';
import {
  BearerTokenStrategy,
  bearerStrategyOptions,
  checkTokenEnvelope,
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
export class AdminJwtStrategy extends BearerTokenStrategy(ADMIN_JWT) {
  constructor(
    tokens: TokenService,
    private readonly revocations: TokenRevocationService,
    private readonly admins: AdminsService,
    @InjectConfig() private readonly config: SftpgoConfig,
  ) {
    super(bearerStrategyOptions(tokens));
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
