import { SecretsService, type Secret } from '@app/kms';
import { Injectable } from '@nestjs/common';
import { FsProvider, type S3FsConfig } from '../filesystem-config.types';
import { CryptFilesystem } from './crypt/crypt-filesystem';
import type { Filesystem } from './filesystem';
import { InvalidMountError, UnsupportedProviderError } from './fs-errors';
import { LocalFilesystem } from './local-filesystem';
import { localMountRoot, type MountSpec, type StorageUser, UserVfs } from './path-resolver';
import { S3Filesystem } from './s3/s3-filesystem';
import type { S3Settings } from './s3/s3-client';

/**
 * Builds a user's virtual filesystem at request time: each mount (home or virtual folder) gets the
 * provider its configuration names, with its secrets decrypted here and nowhere else. Providers the
 * server cannot serve (GCS, Azure Blob, SFTP, HTTP) fail with `UnsupportedProviderError`, which the
 * file API turns into a 400 naming the provider.
 */
@Injectable()
export class UserVfsFactory {
  constructor(private readonly secrets: SecretsService) {}

  create(user: StorageUser): UserVfs {
    return new UserVfs(user, (mount) => this.filesystemFor(mount));
  }

  private filesystemFor(mount: MountSpec): Filesystem {
    const { provider } = mount.filesystem;
    switch (provider) {
      case FsProvider.Local:
        return new LocalFilesystem(localMountRoot(mount));
      case FsProvider.Crypt: {
        const passphrase = this.open(mount, mount.filesystem.cryptconfig?.passphrase, 'passphrase');
        if (passphrase === '')
          throw new InvalidMountError(mount.virtualPath, 'the encryption passphrase is empty');
        return new CryptFilesystem(localMountRoot(mount), passphrase);
      }
      case FsProvider.S3:
        return new S3Filesystem(this.s3Settings(mount, mount.filesystem.s3config ?? {}));
      default:
        throw new UnsupportedProviderError(mount.virtualPath, provider, FsProvider[provider] ?? 'unknown');
    }
  }

  private s3Settings(mount: MountSpec, c: S3FsConfig): S3Settings {
    if (!c.bucket) throw new InvalidMountError(mount.virtualPath, 'the S3 bucket is missing');
    return {
      bucket: c.bucket,
      region: c.region || undefined,
      endpoint: c.endpoint || undefined,
      accessKey: c.access_key || undefined,
      accessSecret: this.open(mount, c.access_secret, 'access secret') || undefined,
      sessionToken: c.session_token || undefined,
      roleArn: c.role_arn || undefined,
      forcePathStyle: c.force_path_style,
      skipTlsVerify: c.skip_tls_verify,
      keyPrefix: c.key_prefix || undefined,
      storageClass: c.storage_class || undefined,
      acl: c.acl || undefined,
      sseCustomerKey: this.open(mount, c.sse_customer_key, 'SSE customer key') || undefined,
      uploadPartSize: c.upload_part_size,
      uploadConcurrency: c.upload_concurrency,
      downloadPartSize: c.download_part_size,
      downloadConcurrency: c.download_concurrency,
    };
  }

  /** A stored secret in clear ('' when unset); one that cannot be decrypted makes the mount unusable. */
  private open(mount: MountSpec, secret: Secret | undefined, what: string): string {
    if (!secret || (!secret.status && !secret.payload)) return '';
    try {
      return this.secrets.open(secret);
    } catch {
      throw new InvalidMountError(mount.virtualPath, `the ${what} cannot be decrypted`);
    }
  }
}
