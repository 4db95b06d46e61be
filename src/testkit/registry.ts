import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, sign } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import tar from 'tar-stream';

/**
 * A real registry for tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1 with a free
 * port and its own storage dir, optionally with htpasswd basic auth, token auth (a token issuer
 * served from this process), and TLS from a CA made here with openssl. `stop()` kills it by PID.
 */
export interface TestRegistry {
  /** `127.0.0.1:PORT`, as references name it */
  host: string;
  port: number;
  storage: string;
  /** with tls: a dir holding only ca.crt (for --cert-dir) */
  caDir?: string;
  /** with tls: a certs.d-style base dir (`<base>/127.0.0.1:PORT/ca.crt`) for $BERTH_CERTS_D */
  certsD?: string;
  /** where a blob's bytes are kept, to tamper with them */
  blobPath(digest: string): string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  auth?: 'none' | 'htpasswd' | 'token';
  tls?: boolean;
  /** users for htpasswd or token auth */
  users?: Record<string, string>;
}

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export function registryAvailable(): boolean {
  return fs.existsSync(REGISTRY_BIN);
}

/** A free TCP port on 127.0.0.1 (closed again; the registry binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * A CA and a server certificate for 127.0.0.1/localhost signed by it; with `client`, a client
 * certificate too (mutual TLS).
 */
export function makeTlsFiles(
  dir: string,
  opts: { client?: boolean } = {},
): { caCert: string; cert: string; key: string; clientCert: string; clientKey: string } {
  fs.mkdirSync(dir, { recursive: true });
  const p = (n: string) => path.join(dir, n);
  run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=berth-test-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const signed: Array<[string, string, string]> = [
    ['server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n'],
  ];
  if (opts.client) signed.push(['client', 'client', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n']);
  for (const [name, cn, ext] of signed) {
    run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', `/CN=${cn}`]);
    fs.writeFileSync(p(`${name}.cnf`), ext);
    run('openssl', [
      'x509',
      '-req',
      '-in',
      p(`${name}.csr`),
      '-CA',
      p('ca.crt'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-out',
      p(`${name}.crt`),
      '-days',
      '2',
      '-extfile',
      p(`${name}.cnf`),
    ]);
  }
  return { caCert: p('ca.crt'), cert: p('server.crt'), key: p('server.key'), clientCert: p('client.crt'), clientKey: p('client.key') };
}

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

/**
 * The token server of the Bearer flow (docker/distribution's token auth): checks Basic
 * credentials, grants every scope asked for to a known user and nothing to anonymous callers,
 * signs an RS256 JWT with a self-signed certificate the registry trusts (sent as x5c).
 */
async function startTokenIssuer(
  dir: string,
  users: Record<string, string>,
  service: string,
  issuer: string,
): Promise<{ realm: string; certFile: string; server: http.Server }> {
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=berth-test-token']);
  const key = fs.readFileSync(keyFile);
  const der = fs
    .readFileSync(certFile, 'utf8')
    .replace(/-----[^-]+-----/g, '')
    .replace(/\s+/g, '');
  // refresh tokens handed out for offline_token=true (docker's identity tokens), by the user they stand for
  const refreshTokens = new Map<string, string>();
  const issue = (res: http.ServerResponse, user: string | undefined, scopes: string[], extra: Record<string, string>): void => {
    const access = user
      ? scopes
          .flatMap((s) => s.split(' '))
          .filter(Boolean)
          .map((s) => {
            const parts = s.split(':');
            return { type: parts[0], name: parts.slice(1, -1).join(':'), actions: (parts[parts.length - 1] ?? '').split(',') };
          })
      : [];
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [der] };
    const claims = { iss: issuer, sub: user ?? '', aud: service, exp: now + 600, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const signing = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const token = `${signing}.${b64url(sign('sha256', Buffer.from(signing), key))}`;
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: 600, issued_at: new Date().toISOString(), ...extra }));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST') {
      // the OAuth2 grants of distribution's token server: refresh_token, password
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(text);
        const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        if (form.get('grant_type') === 'refresh_token') {
          const user = refreshTokens.get(form.get('refresh_token') ?? '');
          if (user === undefined) {
            res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"invalid refresh token"}');
            return;
          }
          issue(res, user, scopes, {});
        } else if (form.get('grant_type') === 'password') {
          const u = form.get('username') ?? '';
          if (users[u] === undefined || users[u] !== form.get('password')) {
            res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"incorrect username or password"}');
            return;
          }
          const refresh = randomBytes(16).toString('hex');
          refreshTokens.set(refresh, u);
          issue(res, u, scopes, { refresh_token: refresh });
        } else {
          res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"details":"unsupported grant_type"}');
        }
      });
      return;
    }
    const auth = req.headers.authorization;
    let user: string | undefined;
    if (auth?.startsWith('Basic ')) {
      const [u, ...rest] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      if (u === undefined || users[u] !== rest.join(':')) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      user = u;
    }
    const extra: Record<string, string> = {};
    if (user !== undefined && url.searchParams.get('offline_token') === 'true') {
      const refresh = randomBytes(16).toString('hex');
      refreshTokens.set(refresh, user);
      extra['refresh_token'] = refresh;
    }
    issue(res, user, url.searchParams.getAll('scope'), extra);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { realm: `http://127.0.0.1:${port}/token`, certFile, server };
}

function waitReady(port: number, tls: boolean, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (proc.exitCode !== null) return reject(new Error(`docker-registry exited: ${log()}`));
      const mod = tls ? https : http;
      const req = mod.get({ host: '127.0.0.1', port, path: '/v2/', rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve();
      });
      req.on('error', () => {
        if (Date.now() > deadline) reject(new Error(`docker-registry did not start: ${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-'));
  const storage = path.join(dir, 'storage');
  fs.mkdirSync(storage);
  const port = await freePort();
  const users = opts.users ?? { alice: 'wonderland-secret' };
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  let caDir: string | undefined;
  let certsD: string | undefined;
  if (opts.tls) {
    const t = makeTlsFiles(path.join(dir, 'tls'));
    lines.push('  tls:', `    certificate: ${t.cert}`, `    key: ${t.key}`);
    caDir = path.join(dir, 'ca');
    fs.mkdirSync(caDir);
    fs.copyFileSync(t.caCert, path.join(caDir, 'ca.crt'));
    certsD = path.join(dir, 'certs.d');
    fs.mkdirSync(path.join(certsD, `127.0.0.1:${port}`), { recursive: true });
    fs.copyFileSync(t.caCert, path.join(certsD, `127.0.0.1:${port}`, 'ca.crt'));
  }
  let tokenServer: http.Server | undefined;
  if (opts.auth === 'htpasswd') {
    const file = path.join(dir, 'htpasswd');
    fs.writeFileSync(file, '');
    for (const [u, p] of Object.entries(users)) run('htpasswd', ['-bB', file, u, p]);
    lines.push('auth:', '  htpasswd:', '    realm: basic-realm', `    path: ${file}`);
  } else if (opts.auth === 'token') {
    const t = await startTokenIssuer(dir, users, 'berth-test-registry', 'berth-test-issuer');
    tokenServer = t.server;
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${t.realm}`,
      '    service: berth-test-registry',
      '    issuer: berth-test-issuer',
      `    rootcertbundle: ${t.certFile}`,
    );
  }
  const config = path.join(dir, 'config.yml');
  fs.writeFileSync(config, `${lines.join('\n')}\n`);
  let log = '';
  const proc = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  proc.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  try {
    await waitReady(port, Boolean(opts.tls), proc, () => log);
  } catch (e) {
    if (proc.pid !== undefined) process.kill(proc.pid, 'SIGKILL');
    tokenServer?.close();
    throw e;
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    storage,
    ...(caDir ? { caDir } : {}),
    ...(certsD ? { certsD } : {}),
    blobPath: (digest) => {
      const hex = digest.replace(/^sha256:/, '');
      return path.join(storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    },
    async stop() {
      const alive = () => proc.exitCode === null && proc.signalCode === null;
      const kill = (sig: NodeJS.Signals) => {
        try {
          if (proc.pid !== undefined) process.kill(proc.pid, sig);
        } catch {
          // already gone
        }
      };
      if (alive()) {
        const exited = new Promise((r) => proc.once('exit', r));
        kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (alive()) kill('SIGKILL');
      }
      await new Promise<void>((r) => (tokenServer ? tokenServer.close(() => r()) : r()));
      tokenServer?.closeAllConnections?.();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What makeOciLayout wrote: the layout dir and the image's digests. */
export interface LayoutImage {
  dir: string;
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
}

function sha(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

async function layerTar(files: Array<{ name: string; data: Buffer }>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const f of files) pack.entry({ name: f.name, size: f.data.length, mode: 0o644, mtime: new Date(0) }, f.data);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A layer of one file of `size` pseudo-random (incompressible) bytes, or the given tar. */
export type LayoutLayer = { size: number; compression: 'gzip' | 'zstd' | 'none' } | { tar: Buffer; compression: 'gzip' | 'zstd' | 'none' };

/**
 * An OCI image layout (skopeo's `oci:DIR:TAG`) with one layer per entry, each holding one file
 * of `size` pseudo-random (incompressible) bytes (or a tar of the caller's), compressed as asked: for multi-layer and
 * compression tests, and the ~100 MB pull of the bench.
 */
export async function makeOciLayout(dir: string, layers: Array<LayoutLayer>, tag = 'latest'): Promise<LayoutImage> {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer) => {
    const d = sha(b);
    fs.writeFileSync(path.join(blobs, d.slice(7)), b);
    return d;
  };
  const diffIds: string[] = [];
  const descs: Array<{ mediaType: string; digest: string; size: number }> = [];
  for (const [i, l] of layers.entries()) {
    const plain = 'tar' in l ? l.tar : await layerTar([{ name: `layer${i}.bin`, data: randomBytes(l.size) }]);
    diffIds.push(sha(plain));
    let blob = plain;
    let mediaType = 'application/vnd.oci.image.layer.v1.tar';
    if (l.compression === 'gzip') {
      blob = zlib.gzipSync(plain, { level: 1 });
      mediaType += '+gzip';
    } else if (l.compression === 'zstd') {
      blob = spawnSync('zstd', ['-q', '-1', '-c'], { input: plain, maxBuffer: 1 << 30 }).stdout;
      mediaType += '+zstd';
    }
    descs.push({ mediaType, digest: put(blob), size: blob.length });
  }
  const config = Buffer.from(
    JSON.stringify({
      created: '2024-01-01T00:00:00Z',
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/layer0.bin'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: layers.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'makeOciLayout' })),
    }),
  );
  const configDigest = put(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: descs,
    }),
  );
  const manifestDigest = put(manifest);
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return { dir, manifestDigest, configDigest, layerDigests: descs.map((d) => d.digest) };
}

/** Copy with skopeo (interop tests, the bench): `skopeo copy SRC DST` with TLS checks off for local registries. */
export function skopeoCopy(src: string, dst: string, extra: string[] = []): void {
  const args = ['copy', '-q'];
  if (src.startsWith('docker://')) args.push('--src-tls-verify=false');
  if (dst.startsWith('docker://')) args.push('--dest-tls-verify=false');
  run('skopeo', [...args, ...extra, src, dst]);
}
