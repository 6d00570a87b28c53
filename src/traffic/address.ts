/** `127.0.0.1:3001`; an IPv6 address goes in brackets (`[::1]:3001`), as nginx and URLs write it. */
export function hostPort(host: string, port: number): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${bracketed}:${port}`;
}
