/**
 * A real S3 wire-protocol server on loopback for the tests (s3rver, files kept in a temp directory):
 * the unit specs of the S3 provider and the e2e suite start one per test file and stop it after.
 * Test-only: excluded from the build.
 */
// The module object itself (a namespace import would be a copy): s3rver calls it.
import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
};

/** s3rver accepts any signature made with these credentials. */
export const S3_TEST_ACCESS_KEY = 'S3RVER';
export const S3_TEST_SECRET = 'S3RVER';

/** A running test S3 server. */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Where s3rver keeps the objects (one directory per bucket). */
  directory: string;
  stop(): Promise<void>;
}

/**
 * s3rver encrypts listing continuation tokens with single DES, which OpenSSL 3 (Node 20) only has in its
 * legacy provider: every paged listing would fail with a 500. Single DES is 3DES with the key repeated
 * three times, which OpenSSL has built in; only the `des` algorithm is rerouted.
 */
function shimDesForS3rver(): void {
  const patched = crypto as unknown as Record<string, unknown>;
  if (patched.__desShim) return;
  const { createCipheriv, createDecipheriv } = crypto;
  const tripled = (key: Buffer) => Buffer.concat([key, key, key]);
  patched.createCipheriv = (alg: string, key: Buffer, iv: Buffer) =>
    alg === 'des' ? createCipheriv('des-ede3-cbc', tripled(key), iv) : createCipheriv(alg, key, iv);
  patched.createDecipheriv = (alg: string, key: Buffer, iv: Buffer) =>
    alg === 'des' ? createDecipheriv('des-ede3-cbc', tripled(key), iv) : createDecipheriv(alg, key, iv);
  patched.__desShim = true;
}

/**
 * Starts s3rver on a free loopback port with `buckets` created. s3rver 3.7 lacks ListMultipartUploads,
 * AbortMultipartUpload and UploadPartCopy (405).
 */
export async function startS3TestServer(buckets: string[] = ['bucket']): Promise<S3TestServer> {
  shimDesForS3rver();
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
