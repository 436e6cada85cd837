import { AdminsModule } from '@app/admins';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AdminTokenController } from './admin-token.controller';
import { AuthService } from './auth.service';
import { AuthenticationGuard } from './authentication.guard';
import { AdminJwtStrategy } from './strategies/admin-jwt.strategy';
import { TokenRevocationService } from './token-revocation.service';
import { TokenService } from './token.service';

/** Token endpoints, JWT strategies and the global authentication guard. */
@Module({
  imports: [PassportModule, AdminsModule],
  controllers: [AdminTokenController],
  providers: [
    TokenService,
    TokenRevocationService,
    AuthService,
    AdminJwtStrategy,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [TokenService, TokenRevocationService],
})
export class AuthModule {}
