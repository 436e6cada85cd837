import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsOptional, IsString } from 'class-validator';

/** `UserProfile`: body of `PUT /user/profile` (and shape of `GET /user/profile`). */
@ApiSchema({ name: 'UserProfile' })
export class UserProfileDto {
  @ApiPropertyOptional({ format: 'email' })
  @IsOptional()
  @IsString()
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ description: 'allow to impersonate this user, in REST API, with an API key' })
  @IsOptional()
  @IsBoolean()
  allow_api_key_auth?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  additional_emails?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  public_keys?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tls_certs?: string[];
}
