import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun } from './shell';

/** A DNS name as a certificate's subjectAltName holds it: labels of letters, digits and hyphens. */
const DNS_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * The `subjectAltName` extension line for openssl (`-extfile`), from the names the host vars give
 * (`kafka_privatelink_client_tls_sans`), in their order. A name openssl would read as syntax (a
 * comma, a colon) or that no client could match is refused, rather than issued as something else.
 */
export function subjectAltNameExtension(host: string, names: readonly string[]): string {
  if (names.length === 0) throw new Error(`${host}: kafka_privatelink_client_tls_sans is empty; the client listener has no TLS to issue a certificate for`);
  const bad = names.find((n) => !DNS_NAME.test(n));
  if (bad !== undefined) throw new Error(`${host}: kafka_privatelink_client_tls_sans holds ${JSON.stringify(bad)}, which is not a DNS name`);
  return `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`;
}

/** A broker's keystore and the settings of the role's `kafka_listeners_client_tls` that point to it. */
export interface BrokerKeystore {
  readonly keystore: string;
  /** `kafka_listeners_client_tls` for this broker. */
  readonly roleVars: Readonly<Record<string, string>>;
}

/** One test CA; brokers' keystores signed by it; the CA as PEM for clients and as a truststore. */
export class TestCa {
  readonly certificate: string;
  private readonly key: string;
  private readonly truststore: string;
  private serial = 1;

  private constructor(
    private readonly dir: string,
    /** Password of every keystore and key, and of the truststore: test material only. */
    private readonly password: string,
  ) {
    this.certificate = join(dir, 'ca.pem');
    this.key = join(dir, 'ca.key');
    this.truststore = join(dir, 'truststore.p12');
  }

  static async create(dir: string): Promise<TestCa> {
    mkdirSync(dir, { recursive: true });
    const ca = new TestCa(dir, 'twin-test-only');
    await mustRun('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', ca.key, '-out', ca.certificate, '-days', '2', '-subj', '/CN=kafka-privatelink twin test CA']);
    await mustRun('keytool', ['-importcert', '-noprompt', '-alias', 'twin-ca', '-file', ca.certificate, '-keystore', ca.truststore, '-storetype', 'PKCS12', '-storepass', ca.password]);
    return ca;
  }

  /** A PKCS12 keystore for `host` whose certificate carries exactly `names` as DNS SANs. */
  async issue(host: string, names: readonly string[], file = `${host}.p12`): Promise<BrokerKeystore> {
    const base = join(this.dir, file.replace(/\.p12$/, ''));
    const extension = `${base}.ext`;
    writeFileSync(extension, subjectAltNameExtension(host, names));
    await mustRun('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${names[0]}`]);
    await mustRun('openssl', ['x509', '-req', '-in', `${base}.csr`, '-CA', this.certificate, '-CAkey', this.key, '-set_serial', String(this.serial++), '-days', '2', '-extfile', extension, '-out', `${base}.pem`]);
    const keystore = join(this.dir, file);
    await mustRun('openssl', ['pkcs12', '-export', '-in', `${base}.pem`, '-inkey', `${base}.key`, '-certfile', this.certificate, '-name', host, '-out', keystore, '-passout', `pass:${this.password}`]);
    return {
      keystore,
      roleVars: {
        keystore_type: 'PKCS12',
        keystore_location: keystore,
        keystore_password: this.password,
        key_password: this.password,
        truststore_type: 'PKCS12',
        truststore_location: this.truststore,
        truststore_password: this.password,
      },
    };
  }

  /** The DNS SANs of a keystore's certificate, read back with openssl. */
  async subjectAltNames(keystore: string): Promise<string[]> {
    const pem = await mustRun('openssl', ['pkcs12', '-in', keystore, '-nokeys', '-clcerts', '-passin', `pass:${this.password}`]);
    const text = await mustRun('openssl', ['x509', '-noout', '-ext', 'subjectAltName'], { input: pem });
    return [...text.matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1]!);
  }
}
