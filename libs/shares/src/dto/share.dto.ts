import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsArray, IsInt, IsOptional, IsString } from 'class-validator';

/**
 * SFTPGo's `Share` schema: the request body of POST/PUT `/user/shares` and the response of GET.
 * Server-owned fields (`id`, `username`, timestamps, `used_tokens`) are accepted and ignored.
 */
@ApiSchema({ name: 'Share' })
export class ShareDto {
  @ApiPropertyOptional({ readOnly: true, description: 'auto-generated unique share identifier' })
  @IsOptional()
  @IsString()
  id?: string;

  @ApiPropertyOptional({ description: 'defaults to the id on create, required on update' })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional({ description: 'optional description' })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiProperty({ type: 'integer', enum: [1, 2, 3], description: '1 read, 2 write, 3 read-write' })
  @IsOptional()
  @IsInt()
  scope?: number;

  @ApiProperty({
    type: [String],
    description:
      'paths to files or directories; a write scope needs exactly one directory. Paths are not checked on save',
    example: ['/dir1', '/dir2/file.txt', '/dir3/subdir'],
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  paths?: string[];

  @ApiPropertyOptional({ readOnly: true, description: 'the owner' })
  @IsOptional()
  @IsString()
  username?: string;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true, description: 'ms' })
  @IsOptional()
  @IsInt()
  created_at?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true, description: 'ms' })
  @IsOptional()
  @IsInt()
  updated_at?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true, description: 'last use, ms' })
  @IsOptional()
  @IsInt()
  last_use_at?: number;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    description: 'expiration, ms; 0 means no expiration',
  })
  @IsOptional()
  @IsInt()
  expires_at?: number;

  @ApiPropertyOptional({
    description:
      'optional password; responses show "[**redacted**]" when one is set, and sending that value back on update keeps it',
  })
  @IsOptional()
  @IsString()
  password?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'maximum uses; 0 means no limit' })
  @IsOptional()
  @IsInt()
  max_tokens?: number;

  @ApiPropertyOptional({ type: 'integer', readOnly: true })
  @IsOptional()
  @IsInt()
  used_tokens?: number;

  @ApiPropertyOptional({
    type: [String],
    description: 'client networks in CIDR notation (192.0.2.0/24, 2001:db8::/32); empty means any',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  allow_from?: string[];
}
