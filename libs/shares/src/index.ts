export * from './shares.module';
export * from './shares.service';
export * from './entities/share.entity';
