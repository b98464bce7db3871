export { synthArtifacts } from './artifacts';
export { ARTIFACT_PATHS } from './artifact-paths';
export { DOCTOR_DESCRIPTION_SCHEMA_VERSION, doctorDescription } from './doctor-description';
