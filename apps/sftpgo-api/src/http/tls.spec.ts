import { cipherList, crlAsPem } from './tls';

describe('TLS helpers', () => {
  it('keeps a PEM CRL and wraps a DER one', () => {
    const pem = Buffer.from('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n');
    expect(crlAsPem(pem)).toBe(pem);
    const der = Buffer.alloc(100, 7);
    const wrapped = crlAsPem(der).toString();
    expect(wrapped.startsWith('-----BEGIN X509 CRL-----\n')).toBe(true);
    expect(wrapped.trim().endsWith('-----END X509 CRL-----')).toBe(true);
    const body = wrapped.split('\n').slice(1, -2);
    expect(body.every((line) => line.length <= 64)).toBe(true);
    expect(Buffer.from(body.join(''), 'base64')).toEqual(der);
  });

  it('maps Go cipher names and keeps TLS 1.3 on unless TLS 1.3 suites are listed', () => {
    expect(cipherList([])).toBeUndefined();
    const list = cipherList(['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'])?.split(':');
    expect(list?.[0]).toBe('ECDHE-RSA-AES128-GCM-SHA256');
    expect(list).toContain('TLS_AES_128_GCM_SHA256');
    expect(cipherList(['TLS_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305'])).toBe(
      'TLS_AES_256_GCM_SHA384:ECDHE-RSA-CHACHA20-POLY1305',
    );
  });
});
