import { connect as netConnect, Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, PeerCertificate } from 'node:tls';

/**
 * Connects and waits a moment: a connection that the far side closes at once was accepted by a
 * proxy that had nowhere to send it (an NLB listener without a healthy target, a security group
 * in a proxy's terms) and counts as refused.
 */
export function tcpProbe(address: string, port: number, timeoutMs: number, settleMs = 300): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port });
    let connected = false;
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(connected ? 'internal' : `no answer in ${timeoutMs} ms (packets dropped: a security group, or no listener)`)), timeoutMs);
    socket.on('connect', () => {
      connected = true;
      clearTimeout(timer);
      setTimeout(() => done(), settleMs);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => done(new Error(e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ECONNRESET' ? 'connected, then reset at once' : e.message)));
    socket.on('close', () => done(new Error(connected ? 'connected, then closed at once by the far side' : 'closed')));
  });
}

export interface TlsFacts {
  /** The chain verified against the CA (or the system's CAs). */
  readonly chainError?: string;
  /** Hostname verification against the name used. */
  readonly nameError?: string;
  readonly subjectAltNames: readonly string[];
  readonly validTo: Date;
  readonly issuer: string;
}

const dnsNames = (cert: PeerCertificate): string[] =>
  (cert.subjectaltname ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));

/** One TLS handshake to `address:port` with SNI `name`; reports chain, name and expiry instead of failing on them. */
export function tlsProbe(address: string, port: number, name: string, ca: Buffer | undefined, timeoutMs: number): Promise<TlsFacts> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tlsConnect({ host: address, port, servername: name, ...(ca ? { ca } : {}), rejectUnauthorized: false });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TLS handshake in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('secureConnect', () => {
      clearTimeout(timer);
      const s = socket as unknown as { authorized: boolean; authorizationError?: Error; getPeerCertificate(): PeerCertificate };
      const cert = s.getPeerCertificate();
      const nameError = checkServerIdentity(name, cert);
      resolve({
        // With a server name set, Node reports a name mismatch as an authorization error too; the name is checked on its own below.
        ...(s.authorized || String(s.authorizationError) === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? {}
          : { chainError: String(s.authorizationError ?? 'not trusted') }),
        ...(nameError ? { nameError: nameError.message } : {}),
        subjectAltNames: dnsNames(cert),
        validTo: new Date(cert.valid_to),
        issuer: cert.issuer?.CN ?? JSON.stringify(cert.issuer),
      });
      socket.destroy();
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
