import { ApiProperty } from '@nestjs/swagger';

/** SFTPGo's `Token` schema. */
export class TokenDto {
  @ApiProperty()
  access_token: string;

  @ApiProperty({ format: 'date-time' })
  expires_at: string;
}
