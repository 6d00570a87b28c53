export { createLocalExec, TIMEOUT_EXIT_CODE, type LocalExecOptions } from './localExec.js';
export { createGuardedFiles } from './guardedFiles.js';
export { secretsFromEnv } from './redact.js';
export { withEnv } from './withEnv.js';
