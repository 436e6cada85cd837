import { Injectable } from '@nestjs/common';

/** PLACEHOLDER: filled by the backup work. */
@Injectable()
export class BackupRestoreService {}
