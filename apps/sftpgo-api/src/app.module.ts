import { AdminEntity, AdminGroupMappingEntity, AdminsModule } from '@app/admins';
import { ApiKeyEntity, ApiKeysModule } from '@app/api-keys';
import { AuditModule, ProviderEventEntity } from '@app/audit';
import { AuthModule, RevokedTokenEntity } from '@app/auth';
import { ApiExceptionFilter, CommonModule, createValidationPipe } from '@app/common';
import { ConfigModule, type SftpgoConfig } from '@app/config';
import { DatabaseModule, translateDatabaseError } from '@app/database';
import { FilesModule } from '@app/files';
import { MaintenanceModule } from '@app/maintenance';
import { MetricsModule } from '@app/metrics';
import { FolderEntity, FoldersModule } from '@app/folders';
import { GroupEntity, GroupFolderMappingEntity, GroupsModule } from '@app/groups';
import { KmsModule } from '@app/kms';
import { RoleEntity, RolesModule } from '@app/roles';
import { DefenderEventEntity, DefenderHostEntity, IpListEntryEntity, SecurityModule } from '@app/security';
import { ShareEntity, SharesModule } from '@app/shares';
import { StorageModule } from '@app/storage';
import { UserEntity, UserFolderMappingEntity, UserGroupMappingEntity, UsersModule } from '@app/users';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions } from './logging';

/** Every entity of the domain libs, for the DataSource. */
const ENTITIES = [
  RoleEntity,
  AdminEntity,
  AdminGroupMappingEntity,
  RevokedTokenEntity,
  FolderEntity,
  GroupEntity,
  GroupFolderMappingEntity,
  UserEntity,
  UserFolderMappingEntity,
  UserGroupMappingEntity,
  ApiKeyEntity,
  ShareEntity,
  IpListEntryEntity,
  DefenderHostEntity,
  DefenderEventEntity,
  ProviderEventEntity,
];

/** The application: configuration, logging, data provider, auth and the domain modules. */
@Module({})
export class AppModule {
  static forRoot(config: SftpgoConfig, logStream?: NodeJS.WritableStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config.logLevel, logStream)),
        CommonModule,
        DatabaseModule.forRoot(ENTITIES),
        KmsModule,
        AuditModule,
        MetricsModule,
        StorageModule,
        AdminsModule,
        RolesModule,
        FoldersModule,
        GroupsModule,
        UsersModule,
        ApiKeysModule,
        AuthModule,
        MaintenanceModule,
        FilesModule,
        SharesModule,
        SecurityModule,
      ],
      providers: [
        { provide: APP_FILTER, useFactory: () => new ApiExceptionFilter([translateDatabaseError]) },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
