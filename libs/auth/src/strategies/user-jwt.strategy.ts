import { clientCertificateName, ForbiddenError, type Principal, tlsUsernameProblem } from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { UserAuthService, userLoginProblem } from '@app/users';
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

/** Passport name of the user bearer-token strategy. */
export const USER_JWT = 'user-jwt';

/**
 * User bearer tokens (`APIUser` audience): SFTPGo's envelope checks, then the user's current state
 * (groups merged): deleted, disabled, expired, re-passworded, HTTP denied or IP no longer allowed
 * -> refused, safer than SFTPGo which re-checks only some of these.
 */
@Injectable()
export class UserJwtStrategy extends BearerTokenStrategy(USER_JWT) {
  constructor(
    tokens: TokenService,
    private readonly revocations: TokenRevocationService,
    private readonly users: UserAuthService,
    @InjectConfig() private readonly config: SftpgoConfig,
  ) {
    super(bearerStrategyOptions(tokens));
  }

  async validate(request: TokenRequest, claims: TokenClaims): Promise<Principal> {
    const token = checkTokenEnvelope(request, claims, TokenAudience.UserApi, this.revocations, this.config);
    const state = await this.users.authState(claims.username);
    if (!state || userLoginProblem(state, token.ip) || !tokenMatchesState(claims, state, this.config)) {
      return refuseToken(token, this.revocations);
    }
    // A certificate problem is this connection's, not the token's: refused without revoking it.
    const certificateProblem = tlsUsernameProblem(
      clientCertificateName(request),
      state.username,
      state.tlsUsername,
    );
    if (certificateProblem) throw new ForbiddenError(certificateProblem);
    return {
      kind: 'user',
      username: state.username,
      permissions: state.webClient,
      role: state.role,
      authMethod: 'jwt',
      token: { hash: token.hash, expiresAt: token.expiresAt },
      mustChangePassword: state.mustChangePassword,
    };
  }
}
