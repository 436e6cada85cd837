import { FolderEntity } from '@app/folders';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The reads of the quota scans that no other lib offers: a folder with its storage configuration. */
@Injectable()
export class QuotaScansRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The folder named `name` (already normalised), with its filesystem (secrets still encrypted). */
  findFolder(name: string): Promise<FolderEntity | null> {
    return this.dataSource.getRepository(FolderEntity).findOne({ where: { name } });
  }
}
