import { SFTPGO_CONFIG, type SftpgoConfig } from '@app/config';
import { DynamicModule, Global, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { buildDataSourceOptions } from './data-source.factory';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Entities = MixedList<Function | string | EntitySchema>;

/** Closes the DataSource when the application shuts down (after in-flight requests ended). */
@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Opens the data provider (sqlite, mysql or postgresql), runs the committed migrations. */
async function openDataSource(config: SftpgoConfig, entities: Entities): Promise<DataSource> {
  const provider = config.data_provider;
  if (provider.driver === 'sqlite') mkdirSync(dirname(provider.name), { recursive: true });
  const dataSource = new DataSource(buildDataSourceOptions(provider, entities));
  try {
    await dataSource.initialize();
  } catch (error) {
    const where =
      provider.driver === 'sqlite' ? provider.name : `${provider.host}:${provider.port}/${provider.name}`;
    throw new Error(
      `unable to initialize the data provider "${provider.driver}" (${where}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  new Logger('DatabaseModule').log(`data provider "${provider.driver}" ready`);
  return dataSource;
}

/** The TypeORM DataSource for the configured driver, available to every module. */
@Global()
export class DatabaseModule {
  /** `entities`: every entity class of the domain libs the application uses. */
  static forRoot(entities: Entities): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [SFTPGO_CONFIG],
          useFactory: (config: SftpgoConfig) => openDataSource(config, entities),
        },
        DataSourceCloser,
      ],
      exports: [DataSource],
    };
  }
}
