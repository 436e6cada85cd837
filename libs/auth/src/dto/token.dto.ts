import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** SFTPGo's `Token` schema. */
export class TokenDto {
  @ApiProperty()
  access_token: string;

  @ApiProperty({ format: 'date-time' })
  expires_at: string;
}

/** SFTPGo's `ApiResponse` schema. */
export class ApiResponseDto {
  @ApiProperty({ description: 'message, can be empty' })
  message: string;

  @ApiPropertyOptional({ description: 'error description if any' })
  error?: string;
}
