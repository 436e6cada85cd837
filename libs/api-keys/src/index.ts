export * from './apikeys.module';
export * from './apikeys.service';
export * from './api-key-secret';
export * from './entities/api-key.entity';
/** `ApiKeyDto`: the body of POST/PUT `/apikeys` (and of backup entries). */
export { ApiKeyDto } from './dto/api-key.dto';
