import { AdminsModule } from '@app/admins';
import { ApiKeysModule } from '@app/api-keys';
import { UsersModule } from '@app/users';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AdminTokenController, UserTokenController } from './token.controller';
import { AuthService } from './auth.service';
import { AuthenticationGuard } from './authentication.guard';
import { AdminJwtStrategy } from './strategies/admin-jwt.strategy';
import { ApiKeyAuthenticator } from './strategies/api-key.strategy';
import { UserJwtStrategy } from './strategies/user-jwt.strategy';
import { TokenRevocationService } from './token-revocation.service';
import { TokenService } from './token.service';

/** Token endpoints, JWT and API key strategies and the global guard. */
@Module({
  imports: [PassportModule, AdminsModule, UsersModule, ApiKeysModule],
  controllers: [AdminTokenController, UserTokenController],
  providers: [
    TokenService,
    TokenRevocationService,
    AuthService,
    AdminJwtStrategy,
    ApiKeyAuthenticator,
    UserJwtStrategy,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [TokenService, TokenRevocationService],
})
export class AuthModule {}
