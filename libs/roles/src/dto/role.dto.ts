import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** SFTPGo's `Role` schema: the request body of POST/PUT and the response of GET. */
@ApiSchema({ name: 'Role' })
export class RoleDto {
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, readOnly: true })
  id?: number;

  @ApiPropertyOptional({ description: 'name is unique' })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional({ type: String, description: 'optional description' })
  @IsOptional()
  @IsString()
  description?: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    readOnly: true,
    description: 'creation time as unix timestamp in milliseconds',
  })
  created_at?: number;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    readOnly: true,
    description: 'last update time as unix timestamp in milliseconds',
  })
  updated_at?: number;

  @ApiPropertyOptional({
    type: [String],
    readOnly: true,
    description: 'usernames of the users with this role',
  })
  users?: string[];

  @ApiPropertyOptional({
    type: [String],
    readOnly: true,
    description: 'usernames of the admins with this role',
  })
  admins?: string[];
}
