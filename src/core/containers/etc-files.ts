import fs from 'node:fs';

/**
 * /etc/hosts for a container with its own network namespace. `net` (networks): once the address
 * is leased, docker maps the hostname to it (not 127.0.1.1), and `host-gateway` in --add-host
 * means the network's gateway, the host as the container sees it.
 */
export function hostsFile(hostname: string, extraHosts: string[], net: { ip?: string; gateway?: string } = {}): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ];
  lines.push(...extraHostLines(extraHosts, net.gateway ?? '127.0.0.1'));
  lines.push(`${net.ip || '127.0.1.1'}\t${hostname}`);
  return `${lines.join('\n')}\n`;
}

/** docker's --add-host host:ip (the ip may itself hold colons for IPv6) as /etc/hosts lines. */
function extraHostLines(extraHosts: readonly string[], gateway: string): string[] {
  return extraHosts.map((h) => {
    const i = h.indexOf(':');
    const ip = h.slice(i + 1) === 'host-gateway' ? gateway : h.slice(i + 1);
    return `${ip}\t${h.slice(0, i)}`;
  });
}

/**
 * /etc/hosts for a container on the host's network: a copy of the host's (docker's too), with
 * --add-host appended; `host-gateway` is the host itself there.
 */
export function hostNetworkHostsFile(extraHosts: readonly string[], hostHosts = '/etc/hosts'): string {
  let text = '';
  try {
    text = fs.readFileSync(hostHosts, 'utf8');
  } catch {
    /* a host without /etc/hosts: only the extra entries */
  }
  if (text !== '' && !text.endsWith('\n')) text += '\n';
  const extra = extraHostLines(extraHosts, '127.0.0.1');
  return text + (extra.length ? `${extra.join('\n')}\n` : '');
}

/** The host's resolv.conf with --dns/--dns-search/--dns-option applied, as docker writes it. */
export function resolvConf(dns: string[], search: string[], options: string[]): string {
  let host = '';
  try {
    host = fs.readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    /* a host without resolv.conf: the container gets an empty one */
  }
  if (dns.length === 0 && search.length === 0 && options.length === 0) return host;
  const kept = host.split('\n').filter((l) => {
    const w = l.trim().split(/\s+/)[0];
    if (w === 'nameserver' && dns.length > 0) return false;
    if ((w === 'search' || w === 'domain') && search.length > 0) return false;
    if (w === 'options' && options.length > 0) return false;
    return l.trim() !== '';
  });
  const out = [...kept];
  for (const d of dns) out.push(`nameserver ${d}`);
  if (search.length) out.push(`search ${search.join(' ')}`);
  if (options.length) out.push(`options ${options.join(' ')}`);
  return `${out.join('\n')}\n`;
}
