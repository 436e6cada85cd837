export * from './maintenance.module';
export * from './version';
