import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** SFTPGo's `Transfer` schema: one active upload or download of a connection. */
@ApiSchema({ name: 'Transfer' })
export class TransferDto {
  @ApiProperty({ enum: ['upload', 'download'] })
  operation_type: 'upload' | 'download';

  @ApiProperty({ description: 'file path for the upload/download' })
  path: string;

  @ApiProperty({ description: 'start time as unix timestamp in milliseconds', format: 'int64' })
  start_time: number;

  @ApiProperty({ description: 'bytes transferred', format: 'int64' })
  size: number;
}

/** SFTPGo's `ConnectionStatus` schema (plus its undocumented `current_time`). */
@ApiSchema({ name: 'ConnectionStatus' })
export class ConnectionStatusDto {
  @ApiProperty({ description: 'connected username' })
  username: string;

  @ApiProperty({ description: 'unique connection identifier' })
  connection_id: string;

  @ApiPropertyOptional({ description: 'client version (the User-Agent), omitted when empty' })
  client_version?: string;

  @ApiProperty({ description: 'Remote address for the connected client' })
  remote_address: string;

  @ApiProperty({ description: 'connection time as unix timestamp in milliseconds', format: 'int64' })
  connection_time: number;

  @ApiPropertyOptional({ description: 'HTTP method of the request' })
  command?: string;

  @ApiProperty({ description: 'last client activity as unix timestamp in milliseconds', format: 'int64' })
  last_activity: number;

  @ApiProperty({
    description: 'server time of the snapshot as unix timestamp in milliseconds',
    format: 'int64',
  })
  current_time: number;

  @ApiProperty({ enum: ['SFTP', 'SCP', 'SSH', 'FTP', 'DAV', 'HTTP', 'HTTPShare'] })
  protocol: string;

  @ApiPropertyOptional({ type: [TransferDto], description: 'omitted when there is none' })
  active_transfers?: TransferDto[];

  @ApiPropertyOptional({ description: 'Node identifier, omitted for single node installations' })
  node?: string;
}
