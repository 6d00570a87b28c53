export { openSshHost, type OpenSshOptions, type SshHost } from './connect.js';
export { parseSshHost, label, knownHostsName, DEFAULT_SSH_PORT, type SshTarget } from './target.js';
export { parseKnownHosts, checkHostKey, entriesForHost, hashHostName, type KnownHostEntry, type HostKeyVerdict } from './knownHosts.js';
export { createSshExec, CONNECTION_LOST_EXIT_CODE, type SshExecOptions } from './sshExec.js';
export { createSshFiles, type SshFiles } from './sshFiles.js';
