import { Injectable } from '@nestjs/common';
import { defaultFilesystemFactory, type StorageUser, UserVfs } from './path-resolver';

/** Builds a user's virtual filesystem at request time; later issues plug more providers in here. */
@Injectable()
export class UserVfsFactory {
  create(user: StorageUser): UserVfs {
    return new UserVfs(user, defaultFilesystemFactory);
  }
}
