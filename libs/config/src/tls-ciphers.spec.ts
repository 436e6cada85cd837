import { opensslCipherName } from './tls-ciphers';

describe('opensslCipherName', () => {
  it("maps Go's names (any case) to OpenSSL's", () => {
    expect(opensslCipherName('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384')).toBe(
      'ECDHE-ECDSA-AES256-GCM-SHA384',
    );
    expect(opensslCipherName('tls_ecdhe_rsa_with_aes_128_gcm_sha256')).toBe('ECDHE-RSA-AES128-GCM-SHA256');
    expect(opensslCipherName('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305')).toBe('ECDHE-RSA-CHACHA20-POLY1305');
    expect(opensslCipherName('TLS_AES_128_GCM_SHA256')).toBe('TLS_AES_128_GCM_SHA256');
  });

  it('refuses unknown and no longer offered suites', () => {
    expect(opensslCipherName('TLS_NOPE')).toBeUndefined();
    expect(opensslCipherName('TLS_RSA_WITH_RC4_128_SHA')).toBeUndefined();
    expect(opensslCipherName('TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA')).toBeUndefined();
  });
});
