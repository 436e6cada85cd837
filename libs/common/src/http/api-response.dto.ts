import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** SFTPGo's `ApiResponse` schema: the body of updates, deletes and logout. */
@ApiSchema({ name: 'ApiResponse' })
export class ApiResponseDto {
  @ApiProperty({ description: 'message, can be empty' })
  message: string;

  @ApiPropertyOptional({ description: 'error description if any' })
  error?: string;
}
