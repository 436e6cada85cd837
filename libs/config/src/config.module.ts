import { DynamicModule, Global, Inject, Module } from '@nestjs/common';
import { SftpgoConfig } from './config.types';

/** Injection token of the loaded {@link SftpgoConfig} (a string, so duplicate module copies still match). */
export const SFTPGO_CONFIG = 'SFTPGO_CONFIG';

/** Injects the {@link SftpgoConfig} provided by {@link ConfigModule.forRoot}. */
export const InjectConfig = () => Inject(SFTPGO_CONFIG);

/** Global module exposing the already loaded configuration to every module. */
@Global()
@Module({})
export class ConfigModule {
  /** Provides `config` (from `loadConfig()`) under {@link SFTPGO_CONFIG}; import once in the root module. */
  static forRoot(config: SftpgoConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: SFTPGO_CONFIG, useValue: config }],
      exports: [SFTPGO_CONFIG],
    };
  }
}
