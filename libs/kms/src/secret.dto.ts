import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { SecretStatus } from './secret.types';

/** OpenAPI `Secret`: documents the wire shape; request bodies are checked by `SecretsService.prepare`. */
@ApiSchema({
  name: 'Secret',
  description:
    'The secret is encrypted before saving, so to set a new secret you must provide a payload and set the ' +
    'status to "Plain". The encryption key and additional data will be generated automatically. If you set ' +
    'the status to "Redacted" the existing secret will be preserved',
})
export class SecretDto {
  @ApiPropertyOptional({
    enum: Object.values(SecretStatus),
    description:
      'Set to "Plain" to add or update an existing secret, set to "Redacted" to preserve the existing value',
  })
  status?: string;

  @ApiPropertyOptional()
  payload?: string;

  @ApiPropertyOptional()
  key?: string;

  @ApiPropertyOptional()
  additional_data?: string;

  @ApiPropertyOptional({ type: 'integer', description: '1 means encrypted using a master key' })
  mode?: number;
}
