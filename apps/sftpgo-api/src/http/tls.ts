import { type HttpBindingConfig, type HttpdConfig, opensslCipherName } from '@app/config';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, DEFAULT_CIPHERS, type SecureVersion, type TlsOptions } from 'node:tls';

/** SFTPGo's `min_tls_version` values. */
const TLS_VERSIONS: Readonly<Record<number, SecureVersion>> = {
  10: 'TLSv1',
  11: 'TLSv1.1',
  12: 'TLSv1.2',
  13: 'TLSv1.3',
};

/** OpenSSL's default TLS 1.3 suites: Go keeps TLS 1.3 on whatever `tls_cipher_suites` lists. */
const TLS13_SUITES = DEFAULT_CIPHERS.split(':').filter((c) => c.startsWith('TLS_'));

function read(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`${key}: cannot read "${file}": ${(error as Error).message}`, { cause: error });
  }
}

/** A CRL file as OpenSSL takes it: PEM as is, DER wrapped into PEM. */
export function crlAsPem(content: Buffer): Buffer {
  if (content.includes('-----BEGIN X509 CRL-----')) return content;
  const lines = content.toString('base64').match(/.{1,64}/g) ?? [];
  return Buffer.from(`-----BEGIN X509 CRL-----\n${lines.join('\n')}\n-----END X509 CRL-----\n`);
}

/** `tls_cipher_suites` (Go names, validated by the config loader) as an OpenSSL cipher list. */
export function cipherList(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const mapped = names.map((n) => opensslCipherName(n)).filter((n): n is string => n !== undefined);
  const tls13 = mapped.some((n) => n.startsWith('TLS_')) ? [] : TLS13_SUITES;
  return [...new Set([...mapped, ...tls13])].join(':');
}

/**
 * The TLS options of an HTTPS binding, read from the files now (at start and on every reload):
 * its own certificate or the global one, `min_tls_version`, `tls_cipher_suites` and, with
 * `client_auth_type` 1, client certificates required and verified against `httpd.ca_certificates`
 * with `httpd.ca_revocation_lists` checked (a revoked certificate fails the handshake). Throws an
 * error naming the key and the file when something is unusable.
 */
export function tlsOptions(binding: HttpBindingConfig, httpd: HttpdConfig, name: string): TlsOptions {
  const own = binding.certificate_file !== '' || binding.certificate_key_file !== '';
  const certKey = own ? `${name}.certificate_file` : 'httpd.certificate_file';
  const keyKey = own ? `${name}.certificate_key_file` : 'httpd.certificate_key_file';
  const certFile = own ? binding.certificate_file : httpd.certificate_file;
  const keyFile = own ? binding.certificate_key_file : httpd.certificate_key_file;
  if (!certFile || !keyFile) throw new Error(`${name}: HTTPS is enabled but no certificate is configured`);
  const cert = read(certFile, certKey);
  const key = read(keyFile, keyKey);
  try {
    new X509Certificate(cert);
  } catch (error) {
    throw new Error(`${certKey}: "${certFile}" is not a PEM certificate: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    createPrivateKey(key);
  } catch (error) {
    throw new Error(`${keyKey}: "${keyFile}" is not a usable private key: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const options: TlsOptions = {
    cert,
    key,
    minVersion: TLS_VERSIONS[binding.min_tls_version] ?? 'TLSv1.2',
    ciphers: cipherList(binding.tls_cipher_suites),
  };
  if (binding.client_auth_type === 1) {
    options.requestCert = true;
    options.rejectUnauthorized = true;
    options.ca = httpd.ca_certificates.map((file, i) => read(file, `httpd.ca_certificates[${i}]`));
    const crls = httpd.ca_revocation_lists.map((file, i) =>
      crlAsPem(read(file, `httpd.ca_revocation_lists[${i}]`)),
    );
    if (crls.length > 0) options.crl = crls;
  }
  try {
    // Surfaces a key not matching its certificate, a bad CA or CRL, now rather than at the first handshake.
    createSecureContext(options);
  } catch (error) {
    throw new Error(`${name}: unusable TLS configuration: ${(error as Error).message}`, { cause: error });
  }
  return options;
}
