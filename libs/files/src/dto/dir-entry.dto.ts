import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** SFTPGo's `DirEntry`: one entry of `GET /user/dirs`. */
@ApiSchema({ name: 'DirEntry' })
export class DirEntryDto {
  @ApiProperty({ description: 'base name of the file or directory' })
  name: string;

  @ApiPropertyOptional({
    format: 'int64',
    description: 'file size, omitted for folders and non regular files',
  })
  size?: number;

  @ApiProperty({
    description: "Go's os.FileMode: dir bit 2147483648, symlink bit 134217728, low 9 bits perms",
  })
  mode: number;

  @ApiProperty({ format: 'date-time' })
  last_modified: string;
}
