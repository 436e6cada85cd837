export * from './apikeys.module';
export * from './apikeys.service';
export * from './api-key-secret';
export * from './entities/api-key.entity';
