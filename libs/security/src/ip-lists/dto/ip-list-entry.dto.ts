import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, MaxLength } from 'class-validator';

/** SFTPGo's `IPListEntry` schema: the body of POST/PUT and the response of GET. */
@ApiSchema({ name: 'IPListEntry' })
export class IpListEntryDto {
  @ApiProperty({
    description:
      'IP address or network in CIDR format, for example `192.168.1.2/32`, `192.168.0.0/24`, `2001:db8::/32`. ' +
      'Ignored on update: the path says which entry.',
  })
  @IsOptional()
  @IsString()
  ipornet?: string;

  @ApiPropertyOptional({ description: 'optional description', maxLength: 512 })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  description?: string;

  @ApiProperty({
    type: 'integer',
    enum: [1, 2, 3],
    description:
      '1 allow list, 2 defender, 3 rate limiter safe list. Ignored on update: the path says which list.',
  })
  @IsOptional()
  @IsInt()
  type?: number;

  @ApiProperty({ type: 'integer', enum: [1, 2], description: '1 allow, 2 deny (defender list only)' })
  @IsOptional()
  @IsInt()
  mode?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 15,
    description: '0 all protocols; bits 1 SSH, 2 FTP, 4 WebDAV, 8 HTTP (all four bits are stored as 0)',
  })
  @IsOptional()
  @IsInt()
  protocols?: number;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', readOnly: true, description: 'creation time, ms' })
  @IsOptional()
  @IsInt()
  created_at?: number;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    readOnly: true,
    description: 'last update time, ms',
  })
  @IsOptional()
  @IsInt()
  updated_at?: number;
}
