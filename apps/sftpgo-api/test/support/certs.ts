import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Files of a test PKI made by the `openssl` CLI: a CA, a server certificate, client certificates and a CRL. */
export interface TestPki {
  dir: string;
  caCert: string;
  caKey: string;
  /** PEM CRL revoking the clients named `revoked`, and its DER form. */
  crl: string;
  crlDer: string;
  /** Issues a certificate signed by the CA; returns its `{ cert, key }` paths. */
  issue(name: string, cn: string, server?: boolean): { cert: string; key: string };
  /** The `{ cert, key }` paths of a certificate already issued (`server`, or a client name). */
  issued(name: string): { cert: string; key: string };
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/**
 * A CA with a server certificate for 127.0.0.1 and the client certificates `clients` (CN = name);
 * those in `revoked` are revoked in the CRL (PEM and DER).
 */
export function createTestPki(clients: string[], revoked: string[]): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sftpgo-pki-'));
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=SFTPGo Test CA',
  ]);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      'database = index.txt',
      'crlnumber = crlnumber',
      'default_md = sha256',
      'default_crl_days = 2',
      'certificate = ca.crt',
      'private_key = ca.key',
      '',
    ].join('\n'),
  );
  let serial = 1;
  const issue = (name: string, cn: string, server = false) => {
    const ext = join(dir, `${name}.ext`);
    writeFileSync(
      ext,
      server
        ? 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n'
        : 'extendedKeyUsage = clientAuth\n',
    );
    openssl(dir, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    ]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      String(serial++),
      '-days',
      '2',
      '-sha256',
      '-extfile',
      ext,
      '-out',
      `${name}.crt`,
    ]);
    return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  };
  issue('server', '127.0.0.1', true);
  for (const client of clients) issue(client, client);
  for (const name of revoked) openssl(dir, ['ca', '-config', 'ca.cnf', '-revoke', `${name}.crt`]);
  openssl(dir, ['ca', '-config', 'ca.cnf', '-gencrl', '-out', 'ca.crl']);
  openssl(dir, ['crl', '-in', 'ca.crl', '-outform', 'DER', '-out', 'ca.crl.der']);
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    crl: join(dir, 'ca.crl'),
    crlDer: join(dir, 'ca.crl.der'),
    issue,
    issued: (name) => ({ cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) }),
  };
}
