import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** SFTPGo's `DefenderEntry` schema. */
@ApiSchema({ name: 'DefenderEntry' })
export class DefenderEntryDto {
  @ApiProperty({ description: 'host id: the hex encoding of the IP text' })
  id: string;

  @ApiProperty()
  ip: string;

  @ApiPropertyOptional({
    description:
      'the score increases whenever a violation is detected, such as an attempt to log in using an incorrect password or invalid username. If the score exceeds the configured threshold, the IP is banned. Omitted for banned IPs',
  })
  score?: number;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'date time until the IP is banned. For already banned hosts, the ban time is increased each time a new violation is detected. Omitted if the IP is not banned',
  })
  ban_time?: string;
}
