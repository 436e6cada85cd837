import { AdminsModule } from '@app/admins';
import { UsersModule } from '@app/users';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AdminTokenController, UserTokenController } from './token.controller';
import { AuthService } from './auth.service';
import { AuthenticationGuard } from './authentication.guard';
import { AdminJwtStrategy } from './strategies/admin-jwt.strategy';
import { UserJwtStrategy } from './strategies/user-jwt.strategy';
import { TokenRevocationService } from './token-revocation.service';
import { TokenService } from './token.service';

/** Token endpoints, JWT strategies and the global authentication guard. */
@Module({
  imports: [PassportModule, AdminsModule, UsersModule],
  controllers: [AdminTokenController, UserTokenController],
  providers: [
    TokenService,
    TokenRevocationService,
    AuthService,
    AdminJwtStrategy,
    UserJwtStrategy,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [TokenService, TokenRevocationService],
})
export class AuthModule {}
