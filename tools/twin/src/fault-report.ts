import { table } from './report';

/** Why a client could not talk to a broker, as librdkafka or Kafka's Java client words it. */
export type ClientFailure = 'hostname mismatch' | 'untrusted certificate' | 'authentication failed' | 'connection reset' | 'timed out' | 'unreachable' | 'refused' | 'other';

const FAILURES: readonly (readonly [ClientFailure, RegExp])[] = [
  // Checked first: OpenSSL reports a name mismatch as a failed verification as well.
  ['hostname mismatch', /hostname mismatch|No subject alternative DNS name matching|doesn't match any of the subject alternative names/i],
  ['untrusted certificate', /unable to get local issuer certificate|self[- ]signed certificate|PKIX path building failed|certificate verify failed/i],
  ['authentication failed', /Authentication failed|SASL authentication error|invalid credentials/i],
  ['connection reset', /Connection reset by peer|ECONNRESET/i],
  ['refused', /Connection refused|ECONNREFUSED/i],
  ['unreachable', /No route to host|EHOSTUNREACH|Host is unreachable/i],
  ['timed out', /timed out|Timed out|timeout/i],
];

/** The first kind of failure a client's output names, or `other` when it names none. */
export function classifyFailure(output: string): ClientFailure {
  return FAILURES.find(([, pattern]) => pattern.test(output))?.[0] ?? 'other';
}

/** The line of a client's output that names its failure, to quote in the report. */
export function failureLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim());
  const kind = classifyFailure(output);
  const pattern = FAILURES.find(([k]) => k === kind)?.[1];
  return (pattern ? lines.find((l) => pattern.test(l)) : undefined) ?? lines.filter((l) => l !== '').slice(-1)[0] ?? '';
}

/** One row of the TLS and faults table. */
export interface FaultRow {
  readonly name: string;
  readonly passed: boolean;
  readonly detectionMs?: number;
  readonly recoveryMs?: number;
  /** Acknowledged messages that were never consumed. */
  readonly ackedLost?: number;
  readonly detail: string;
}

const secondsText = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

export function faultsTable(rows: readonly FaultRow[]): string {
  return table(
    ['check', 'result', 'detection', 'recovery', 'acked lost', 'detail'],
    rows.map((r) => [r.name, r.passed ? 'pass' : 'FAIL', secondsText(r.detectionMs), secondsText(r.recoveryMs), r.ackedLost === undefined ? '-' : String(r.ackedLost), r.detail]),
  );
}
