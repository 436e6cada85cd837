import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** SFTPGo's `ApiResponse` schema: the body of updates and deletes. */
@ApiSchema({ name: 'ApiResponse' })
export class ApiMessageDto {
  @ApiProperty({ description: 'message, can be empty' })
  message: string;

  @ApiPropertyOptional({ description: 'error description if any' })
  error?: string;
}
