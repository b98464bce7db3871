export { type CheckRow, type CheckStatus } from './check';
export { clientSettingsRows, parseProperties } from './client-settings';
export { type Description, parseDescription, readDescription, SUPPORTED_SCHEMA_VERSION } from './description';
export { dnsRows } from './dns-check';
export { runDoctor, type DoctorOptions } from './doctor';
export { advertisedRows, agreementRow, type ReportedBroker } from './metadata';
export { reportTable, summaryLine } from './report';
