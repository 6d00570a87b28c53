export { createLocalExec, TIMEOUT_EXIT_CODE, type LocalExecOptions } from './localExec.js';
export { createGuardedFiles } from './guardedFiles.js';
export { redact, secretsFromEnv, secretsInUrls, isSecretName, REDACTED, MIN_SECRET_LENGTH } from './redact.js';
export { withEnv } from './withEnv.js';
