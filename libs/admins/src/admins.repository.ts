import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { AdminEntity } from './entities/admin.entity';

/** Persistence of admins; the only place that queries the `admins` table. */
@Injectable()
export class AdminsRepository {
  private readonly repo: Repository<AdminEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(AdminEntity);
  }

  findByUsername(username: string): Promise<AdminEntity | null> {
    return this.repo.findOne({ where: { username } });
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  insert(admin: Omit<AdminEntity, 'id' | 'role' | 'groupMappings'>): Promise<AdminEntity> {
    return this.repo.save(this.repo.create(admin));
  }

  /** Sets `last_login` unless it was set less than `minDelayMs` ago (one conditional UPDATE). */
  async touchLastLogin(id: number, now: number, minDelayMs: number): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ lastLogin: now })
      .where('id = :id AND last_login < :limit', { id, limit: now - minDelayMs })
      .execute();
  }
}
