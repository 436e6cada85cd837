/**
 * S3 connection settings and the shared, cached `S3Client`s built from them. A user's filesystem is
 * rebuilt on every request; the client (and its keep-alive sockets) is not: every user with the same
 * connection settings shares one.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** Plain S3 settings (SFTPGo's `S3FsConfig`), secrets already decrypted by the caller. */
export interface S3Settings {
  bucket: string;
  region?: string;
  endpoint?: string;
  accessKey?: string;
  accessSecret?: string;
  sessionToken?: string;
  roleArn?: string;
  forcePathStyle?: boolean;
  skipTlsVerify?: boolean;
  keyPrefix?: string;
  storageClass?: string;
  acl?: string;
  sseCustomerKey?: string;
  /** MiB, as in SFTPGo's config (0/absent -> 5). */
  uploadPartSize?: number;
  /** Parts uploaded in parallel per transfer (0/absent -> 5). */
  uploadConcurrency?: number;
  /** Accepted for compatibility, unused: downloads are one streamed GetObject (see S3Filesystem). */
  downloadPartSize?: number;
  /** Accepted for compatibility, unused (see `downloadPartSize`). */
  downloadConcurrency?: number;
}

/** Clients kept; the least recently used one beyond this is destroyed. */
const MAX_CACHED_CLIENTS = 64;
/** Sockets per client and protocol: one client serves many users' transfers at once. */
const MAX_SOCKETS = 64;

const clients = new Map<string, S3Client>();

function sha256(value: string | undefined): string {
  return value === undefined || value === '' ? '' : createHash('sha256').update(value).digest('hex');
}

/** The connection identity of `settings`: secrets only as hashes, so no key string holds them in clear. */
function cacheKey(s: S3Settings): string {
  return JSON.stringify([
    s.endpoint ?? '',
    s.region ?? '',
    s.accessKey ?? '',
    sha256(s.accessSecret),
    sha256(s.sessionToken),
    s.roleArn ?? '',
    s.forcePathStyle === true,
    s.skipTlsVerify === true,
  ]);
}

/** True for AWS's own endpoints, which support the SDK's default checksums. */
function isAwsEndpoint(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host.endsWith('.amazonaws.com') || host.endsWith('.amazonaws.com.cn');
  } catch {
    return false;
  }
}

function credentialsFor(s: S3Settings, region: string | undefined): S3ClientConfig['credentials'] {
  const key = s.accessKey ?? '';
  const secret = s.accessSecret ?? '';
  const statics =
    key !== '' && secret !== ''
      ? { accessKeyId: key, secretAccessKey: secret, sessionToken: s.sessionToken || undefined }
      : undefined;
  if (s.roleArn) {
    return fromTemporaryCredentials({
      params: { RoleArn: s.roleArn, RoleSessionName: 'sftpgo-api' },
      masterCredentials: statics,
      clientConfig: region ? { region } : undefined,
    });
  }
  // Neither: undefined lets the SDK's default chain (env, profile, instance role...) apply.
  return statics;
}

function buildClient(s: S3Settings): S3Client {
  // S3-compatible stores ignore the region but the SDK needs one to sign.
  const region = s.region || (s.endpoint ? 'us-east-1' : undefined);
  const custom = Boolean(s.endpoint) && !isAwsEndpoint(s.endpoint as string);
  return new S3Client({
    region,
    endpoint: s.endpoint || undefined,
    forcePathStyle: s.forcePathStyle === true,
    credentials: credentialsFor(s, region),
    // Many S3-compatible stores (s3rver among them) reject the SDK's default streaming checksums.
    ...(custom
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
      httpsAgent: new HttpsAgent({
        keepAlive: true,
        maxSockets: MAX_SOCKETS,
        rejectUnauthorized: s.skipTlsVerify !== true,
      }),
    }),
  });
}

/**
 * The shared client for `settings`' connection (endpoint, region, credentials, path style, TLS check),
 * built on first use. Least recently used clients beyond 64 are destroyed (their sockets closed).
 */
export function s3ClientFor(settings: S3Settings): S3Client {
  const key = cacheKey(settings);
  const cached = clients.get(key);
  if (cached) {
    // Re-inserted: Map order is insertion order, so the first entry is the least recently used.
    clients.delete(key);
    clients.set(key, cached);
    return cached;
  }
  const client = buildClient(settings);
  clients.set(key, client);
  while (clients.size > MAX_CACHED_CLIENTS) {
    const [oldestKey, oldest] = clients.entries().next().value as [string, S3Client];
    clients.delete(oldestKey);
    oldest.destroy();
  }
  return client;
}
