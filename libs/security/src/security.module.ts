import { Global, Module } from '@nestjs/common';

/**
 * The security machinery (DESIGN.md): IP lists, the defender and the rate limiters, and the gate that
 * applies them to every request before any other work. Global: the auth and share code report
 * failed credentials to the defender through `AuthFailures` (libs/common).
 */
@Global()
@Module({
  providers: [],
  controllers: [],
  exports: [],
})
export class SecurityModule {}
