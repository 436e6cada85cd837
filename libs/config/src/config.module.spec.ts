import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule, InjectConfig, SFTPGO_CONFIG } from './config.module';
import { defaultConfig, SftpgoConfig } from './config.types';

@Injectable()
class Consumer {
  constructor(@InjectConfig() readonly config: SftpgoConfig) {}
}

// A separate module that does not import ConfigModule: the config must reach it because it is global.
@Module({ providers: [Consumer], exports: [Consumer] })
class FeatureModule {}

describe('ConfigModule', () => {
  it('provides the config globally under SFTPGO_CONFIG', async () => {
    const config: SftpgoConfig = {
      ...defaultConfig(),
      configDir: '/etc/sftpgo',
      logLevel: 'info',
      defaultAdmin: { username: '', password: '' },
    };
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), FeatureModule],
    }).compile();
    expect(moduleRef.get(SFTPGO_CONFIG)).toBe(config);
    expect(moduleRef.get(Consumer).config).toBe(config);
    await moduleRef.close();
  });
});
