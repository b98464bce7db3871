export { synthArtifacts } from './artifacts';
export { ARTIFACT_PATHS } from './artifact-paths';
