import { bigintTransformer } from '@app/database';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A role: admins with a role administer only the users of that role. */
@Entity({ name: 'roles' })
export class RoleEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  description: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;
}
