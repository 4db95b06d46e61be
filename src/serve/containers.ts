import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Writable, type Readable } from 'node:stream';
import { BerthError } from '../core/errors/berth-error.js';
import { containerJson, mountsJson } from '../core/containers/inspect.js';
import { containerPaths } from '../core/containers/container-paths.js';
import type { ContainerRecord } from '../core/containers/container-record.js';
import { createContainer } from '../core/containers/create.js';
import { refreshContainer } from '../core/containers/exit.js';
import { parseFilters } from '../core/containers/filter.js';
import { listContainers } from '../core/containers/list.js';
import { pauseContainer, unpauseContainer } from '../core/containers/pause.js';
import { removeContainer } from '../core/containers/remove.js';
import { renameContainer } from '../core/containers/restart.js';
import { startContainer } from '../core/containers/start.js';
import { killContainer, stopContainer } from '../core/containers/stop.js';
import { topContainer } from '../core/containers/top.js';
import { sampleStats } from '../core/containers/stats.js';
import { containerDiff } from '../core/containers/diff.js';
import { exportContainer } from '../core/containers/export.js';
import { copyFromContainer, copyToContainer, statContainerPath } from '../core/containers/cp.js';
import { execOptions, execProcess } from '../core/containers/exec.js';
import { pruneContainers } from '../core/containers/prune.js';
import { commitContainer } from '../core/containers/commit.js';
import { updateContainer } from '../core/containers/update.js';
import { parseRestart } from '../core/spec/parse/index.js';
import { stdinOnce } from '../core/spec/container-spec.js';
import { containerEvent } from '../core/events/container-events.js';
import { EventCursor } from '../core/events/event-log.js';
import { statusText } from '../core/format/index.js';
import { attach, attachSocketPath, resizeTerminal } from '../core/runtime/attach.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../core/runtime/detach-keys.js';
import { execBackground, execPiped } from '../core/runtime/exec.js';
import { startTimeOf } from '../core/runtime/process-util.js';
import { claimExecStart, type ExecRecord, execState, execStatusFile, loadExec, saveExec } from './exec-store.js';
import { readLogs } from '../core/runtime/logs.js';
import { readExitCode, waitForExit } from '../core/runtime/exit-file.js';
import { parseSince } from '../core/format/time-arg.js';
import { containerNetworkEntries } from '../core/networks/index.js';
import { portEntries, shownImage } from '../core/containers/ps-rows.js';
import { dirSize } from '../core/volumes/volume-store.js';
import { dockerCreateToSpec } from './create-spec.js';
import { ensureImage } from '../core/registry/ensure-image.js';
import { decodeFilters, filterArgs } from './filters.js';
import { boolParam, frame, HttpError, intParam, readJson, sendEmpty, sendJson, sendJsonText, type Request } from './http.js';
import { hijackRoute, route, type Hijacked, type PendingAttach, type Route, type ServeContext } from './router.js';
import { pruneFilters } from './prune.js';

const RAW_STREAM = 'application/vnd.docker.raw-stream';
const LIVE = new Set(['running', 'paused', 'restarting']);

function lookup(s: ServeContext, ref: string): ContainerRecord {
  return refreshContainer(s.engine, s.engine.containers.lookup(ref));
}

/** GET /containers/json: docker's container summaries. */
async function list(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const filters = parseFilters(filterArgs(decodeFilters(req.query.get('filters'))));
  const limit = intParam(req.query, 'limit');
  const withSize = boolParam(req.query, 'size');
  // the records parsed once per state of the store, every one's liveness checked at each request
  const records = s.cache.get('containers', () => s.engine.containers.list());
  let recs = listContainers(
    s.engine,
    { all: boolParam(req.query, 'all') || (limit !== undefined && limit > 0), filters },
    { records, isLive: s.processes.isLive },
  );
  if (limit !== undefined && limit > 0) recs = recs.slice(0, limit);
  const parts = s.cache.get('summaries', () => new WeakMap<ContainerRecord, SummaryParts>());
  const now = new Date();
  // JSON put together from each container's parts serialized once, and its state now
  let body = '[';
  for (const c of recs) {
    let p = parts.get(c);
    if (!p) {
      p = summaryParts(s, c);
      parts.set(c, p);
    }
    const st = c.state;
    const status = statusText({ status: st.status, exitCode: st.exitCode, startedAt: new Date(st.startedAt), finishedAt: new Date(st.finishedAt), now });
    let size = '';
    if (withSize) {
      const rw = dirSize(containerPaths(s.engine.paths, c.id).upper);
      size = `,"SizeRw":${rw},"SizeRootFs":${rw + c.image.size}`;
    }
    body += `${body.length > 1 ? ',' : ''}{${p.head},"State":${JSON.stringify(st.status)},"Status":${JSON.stringify(status)},${p.tail}${size}}`;
  }
  sendJsonText(res, 200, `${body}]`);
}

/**
 * A container's summary but its state, as the members of a JSON object (`"Id":…,"Labels":{…}`
 * before State and Status, `"HostConfig":…` after): the same for as long as the store is unchanged.
 */
interface SummaryParts {
  head: string;
  tail: string;
}

function summaryParts(s: ServeContext, c: ContainerRecord): SummaryParts {
  // docker's list: published ports with their binding, a running container's exposed ones bare
  const ports = portEntries(s.engine, c).map((p) =>
    p.hostPort === undefined
      ? { PrivatePort: p.containerPort, Type: p.protocol }
      : { IP: p.hostIp || '0.0.0.0', PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.protocol },
  );
  const members = (o: Record<string, unknown>) => JSON.stringify(o).slice(1, -1);
  return {
    head: members({
      Id: c.id,
      Names: [`/${c.name}`],
      // docker's daemon: the image id once the name no longer leads to the container's image
      Image: shownImage(s.engine, true)(c),
      ImageID: c.imageId,
      Command: [c.path, ...c.args].join(' '),
      Created: Math.floor(Date.parse(c.created) / 1000),
      Ports: ports,
      Labels: c.spec.labels,
    }),
    tail: members({
      HostConfig: { NetworkMode: c.spec.network },
      NetworkSettings: { Networks: containerNetworkEntries(s.engine, c).networks },
      Mounts: mountsJson(s.engine, c),
    }),
  };
}

/** POST /containers/create?name=: 201 {Id, Warnings}; a missing image is 404 (the CLI pulls it, then retries). */
async function create(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const body = await readJson(req.raw);
  const name = req.query.get('name') ?? undefined;
  const spec = dockerCreateToSpec(body, name);
  const platform = req.query.get('platform');
  if (platform && !/^linux(\/(amd64|x86_64))?$/.test(platform))
    throw new BerthError('NotFound', `image with reference ${spec.image} was found but does not match the specified platform: wanted ${platform}`);
  // a short name pulled from a search registry is found as the CLI finds it
  const imageId = await ensureImage(s.engine.images, spec.image, { pull: 'never' });
  const rec = createContainer(s.engine, s.engine.images.find(spec.image) ? spec : { ...spec, image: imageId });
  sendJson(res, 201, { Id: rec.id, Warnings: [] });
}

/**
 * The core's ContainerJSON with the fields API 1.41 has besides (dockerd 20.10's answer, recorded
 * in test/e2e/fixtures): the lower dirs, the IPv6 and legacy network fields, the limits berth
 * does not set.
 */
function containerJson141(s: ServeContext, rec: ContainerRecord): Record<string, unknown> {
  const out = containerJson(s.engine, rec);
  const gd = out['GraphDriver'] as { Data?: Record<string, unknown> } | undefined;
  if (gd?.Data)
    gd.Data = {
      LowerDir: [...rec.image.chainIds]
        .reverse()
        .map((c) => s.engine.layers.diffDir(c))
        .join(':'),
      ...gd.Data,
    };
  const hc = out['HostConfig'] as Record<string, unknown> | undefined;
  if (hc) {
    for (const k of ['BlkioDeviceReadBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteBps', 'BlkioDeviceWriteIOps', 'BlkioWeightDevice', 'DeviceRequests'])
      hc[k] ??= null;
    hc['Cgroup'] ??= '';
    hc['ConsoleSize'] ??= [0, 0];
    hc['KernelMemory'] ??= 0;
    hc['KernelMemoryTCP'] ??= 0;
  }
  const ns = out['NetworkSettings'] as Record<string, unknown> | undefined;
  if (ns) {
    const first = Object.values((ns['Networks'] ?? {}) as Record<string, { EndpointID?: string }>)[0];
    ns['EndpointID'] ??= first?.EndpointID ?? '';
    ns['GlobalIPv6Address'] ??= '';
    ns['GlobalIPv6PrefixLen'] ??= 0;
    ns['IPv6Gateway'] ??= '';
    ns['LinkLocalIPv6Address'] ??= '';
    ns['LinkLocalIPv6PrefixLen'] ??= 0;
    ns['SecondaryIPAddresses'] ??= null;
    ns['SecondaryIPv6Addresses'] ??= null;
  }
  return out;
}

async function inspect(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const rec = lookup(s, req.params['id'] as string);
  const out = containerJson141(s, rec);
  if (boolParam(req.query, 'size')) {
    const rw = dirSize(containerPaths(s.engine.paths, rec.id).upper);
    out['SizeRw'] = rw;
    out['SizeRootFs'] = rw + rec.image.size;
  }
  sendJson(res, 200, out);
}

/** POST /containers/{id}/start: 304 when already running; attach requests waiting for it connect first. */
async function start(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  req.raw.resume();
  const rec = lookup(s, req.params['id'] as string);
  if (rec.state.status === 'running' || rec.state.status === 'paused') return sendEmpty(res, 304);
  let attached = false;
  // an AutoRemove container is removed by the server as soon as it exits, as a foreground
  // `berth run --rm` does (no exit hook process; if the server dies first, repair removes it)
  const serverRemoves = rec.spec.autoRemove && rec.spec.restartPolicy.name === 'no';
  try {
    await startContainer(s.engine, rec.id, {
      ...(serverRemoves ? { attachedPid: process.pid, noExitHook: true } : {}),
      beforeStart: async (info) => {
        attached = true;
        const waiting = s.pendingAttach.get(rec.id) ?? [];
        s.pendingAttach.delete(rec.id);
        await Promise.all(waiting.map((w) => w.connect(info).catch(() => w.abort())));
      },
    });
  } catch (e) {
    if (!attached) {
      for (const w of s.pendingAttach.get(rec.id) ?? []) w.abort();
      s.pendingAttach.delete(rec.id);
    }
    // as docker's daemon: a container that was to remove itself goes when it cannot start
    if (rec.spec.autoRemove) await removeContainer(s.engine, rec.id, { force: true, volumes: true }).catch(() => undefined);
    throw e;
  }
  if (serverRemoves) void removeOnExit(s, rec.id);
  sendEmpty(res, 204);
}

async function removeOnExit(s: ServeContext, id: string): Promise<void> {
  try {
    await waitForExit(s.engine.paths.exits, id, { signal: s.shutdown, pollMs: 100 });
  } catch {
    return; // the server stops: the next berth command's repair removes it
  }
  await removeContainer(s.engine, id, { force: true, volumes: true }).catch(() => undefined);
}

function stopTimeoutParam(req: Request): { timeout?: number; signal?: string } {
  const t = intParam(req.query, 't');
  const signal = req.query.get('signal');
  return { ...(t !== undefined ? { timeout: t } : {}), ...(signal ? { signal } : {}) };
}

async function stop(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const rec = lookup(s, req.params['id'] as string);
  if (!LIVE.has(rec.state.status)) return sendEmpty(res, 304);
  await stopContainer(s.engine, rec.id, stopTimeoutParam(req));
  sendEmpty(res, 204);
}

async function restart(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const rec = lookup(s, req.params['id'] as string);
  await stopContainer(s.engine, rec.id, stopTimeoutParam(req));
  await startContainer(s.engine, rec.id);
  sendEmpty(res, 204);
}

async function kill(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  await killContainer(s.engine, req.params['id'] as string, req.query.get('signal') || 'SIGKILL');
  sendEmpty(res, 204);
}

async function pause(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  await pauseContainer(s.engine, req.params['id'] as string);
  sendEmpty(res, 204);
}

async function unpause(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  await unpauseContainer(s.engine, req.params['id'] as string);
  sendEmpty(res, 204);
}

async function rename(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const name = req.query.get('name');
  if (!name) throw new BerthError('InvalidArgument', 'rename: a new name is required (?name=)');
  renameContainer(s.engine, req.params['id'] as string, name);
  sendEmpty(res, 204);
}

async function remove(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  if (boolParam(req.query, 'link')) {
    const { removeLink } = await import('../core/containers/remove.js');
    removeLink(s.engine, req.params['id'] as string);
    return sendEmpty(res, 204);
  }
  const rec = s.engine.containers.lookup(req.params['id'] as string);
  await removeContainer(s.engine, rec.id, { force: boolParam(req.query, 'force'), volumes: boolParam(req.query, 'v') });
  sendEmpty(res, 204);
}

/**
 * POST /containers/{id}/wait?condition=: the headers go at once (the CLI sends the start after
 * them); the answer comes from the event log (the `die` with its exit code, the `destroy`), so
 * an exit recorded by any berth process, even before the start returned, is seen.
 */
async function wait(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const condition = req.query.get('condition') || 'not-running';
  if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw new BerthError('InvalidArgument', `invalid condition: "${condition}"`);
  const cursor = new EventCursor(s.engine.events.file);
  const rec = lookup(s, req.params['id'] as string);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const done = (code: number): void => {
    res.end(`${JSON.stringify({ Error: null, StatusCode: code })}\n`);
  };
  if (condition === 'not-running' && !LIVE.has(rec.state.status)) return done(rec.state.exitCode);
  let exitCode: number | undefined;
  const gone = new Promise<void>((r) => res.on('close', () => r()));
  let closed = false;
  void gone.then(() => (closed = true));
  while (!closed && !s.shutdown.aborted) {
    for (const e of cursor.read()) {
      if (e.type !== 'container' || e.id !== rec.id) continue;
      if (e.action === 'die') {
        exitCode = Number(e.attributes['exitCode'] ?? '0');
        if (condition !== 'removed') return done(exitCode);
      }
      if (e.action === 'destroy') return done(exitCode ?? s.engine.containers.get(rec.id)?.state.exitCode ?? 0);
    }
    // record an exit that conmon's hook has not recorded yet (it emits the `die` read above)
    const cur = s.engine.containers.get(rec.id);
    if (!cur) {
      if (condition === 'removed') return done(exitCode ?? rec.state.exitCode);
    } else if (LIVE.has(cur.state.status) && readExitCode(s.engine.paths.exits, cur.id) !== null) {
      refreshContainer(s.engine, cur);
      continue;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  res.end();
}

/** Writables that put each chunk in docker's 8-byte frames (no TTY) or pass it raw (TTY). */
function outputStreams(out: Writable, tty: boolean, want: { stdout: boolean; stderr: boolean }): { stdout: Writable; stderr: Writable } {
  const make = (id: 1 | 2, on: boolean): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (!on || out.destroyed || !out.writable) return cb();
        const ok = out.write(tty ? chunk : frame(id, chunk));
        if (ok) cb();
        else out.once('drain', () => cb());
      },
    });
  return { stdout: make(1, want.stdout), stderr: make(2, want.stderr) };
}

/** GET /containers/{id}/logs: framed unless the container has a TTY; follow until it stops. */
async function logs(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const rec = lookup(s, req.params['id'] as string);
  const q = req.query;
  const wantOut = boolParam(q, 'stdout');
  const wantErr = boolParam(q, 'stderr');
  if (!wantOut && !wantErr) throw new BerthError('InvalidArgument', 'Bad parameters: you must choose at least one stream');
  if (rec.spec.logConfig?.type === 'none') throw new BerthError('FailedPrecondition', 'configured logging driver does not support reading');
  const tailText = q.get('tail') ?? 'all';
  let tail: number | undefined;
  if (tailText !== 'all' && tailText !== '' && tailText !== '-1') {
    if (!/^\d+$/.test(tailText)) throw new BerthError('InvalidArgument', `invalid value for "tail": "${tailText}"`);
    tail = Number(tailText);
  }
  const since = q.get('since');
  const until = q.get('until');
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  const onShutdown = (): void => ac.abort();
  s.shutdown.addEventListener('abort', onShutdown, { once: true });
  res.writeHead(200, { 'Content-Type': RAW_STREAM });
  res.flushHeaders();
  const out = outputStreams(res, rec.spec.tty, { stdout: wantOut, stderr: wantErr });
  await readLogs(
    containerPaths(s.engine.paths, rec.id).log,
    {
      ...(tail !== undefined ? { tail } : {}),
      ...(since && since !== '0' ? { since: parseSince(since) } : {}),
      ...(until && until !== '0' ? { until: parseSince(until) } : {}),
      timestamps: boolParam(q, 'timestamps'),
      follow: boolParam(q, 'follow'),
      isRunning: () => {
        const cur = s.engine.containers.get(rec.id);
        return cur !== undefined && LIVE.has(refreshContainer(s.engine, cur).state.status);
      },
      signal: ac.signal,
    },
    out,
  ).finally(() => s.shutdown.removeEventListener('abort', onShutdown));
  res.end();
}

/**
 * POST /containers/{id}/attach (hijacked): relays the container's conmon attach socket. For a
 * created container the connection waits for this server's start of it (conmon replays nothing).
 */
async function attachHandler(s: ServeContext, req: Request, conn: Hijacked): Promise<void> {
  const rec = lookup(s, req.params['id'] as string);
  const q = req.query;
  const wantIn = boolParam(q, 'stdin') && rec.spec.openStdin;
  const want = { stdout: boolParam(q, 'stdout'), stderr: boolParam(q, 'stderr') };
  if (!boolParam(q, 'stream') && !boolParam(q, 'logs')) throw new BerthError('InvalidArgument', 'Bad parameters: you must choose at least one stream');
  // as dockerd: a container not running yet (created, or exited: `docker start -a`) is attached
  // to when it starts; the CLI's own `attach` refuses stopped ones before asking
  if (rec.state.status === 'paused') throw new BerthError('Conflict', 'You cannot attach to a paused container, unpause it first');
  if (rec.state.status === 'restarting') throw new BerthError('Conflict', 'You cannot attach to a restarting container, wait until it is running');
  if (rec.state.status === 'removing') throw new BerthError('Conflict', `You cannot attach to a container that is ${rec.state.status}`);
  // a body the request carried (dockerode sends its options as JSON) is not the container's input:
  // dockerd drops it when it hijacks the connection
  const bodyLength = Number(req.raw.headers['content-length'] ?? '0');
  if (conn.upgraded && bodyLength > 0) {
    if (bodyLength > 1024 * 1024) throw new HttpError(413, 'request body too large');
    await readExactly(conn.input, bodyLength);
  }
  conn.begin(RAW_STREAM);
  const out = outputStreams(conn.output, rec.spec.tty, want);
  if (boolParam(q, 'logs')) {
    await readLogs(containerPaths(s.engine.paths, rec.id).log, { timestamps: false, follow: false, isRunning: () => false }, out);
  }
  if (!boolParam(q, 'stream')) return conn.end();
  // ctrl-p ctrl-q (or ?detachKeys=) on a terminal's input leaves the container running, as dockerd does
  const detachKeys = rec.spec.tty && wantIn ? parseDetachKeys(q.get('detachKeys') || DEFAULT_DETACH_KEYS) : undefined;
  const connect = async (socketPath: string): Promise<void> => {
    const session = await attach({
      socketPath,
      stdin: wantIn ? (conn.input as Readable) : null,
      stdout: out.stdout,
      stderr: out.stderr,
      tty: rec.spec.tty,
      ...(detachKeys ? { detachKeys } : {}),
    });
    void conn.gone.then(() => session.close());
    void session.done.then(() => conn.end());
    // as dockerd: the end of the client's input closes the container's stdin only for StdinOnce
    // without a terminal (conmon runs with --leave-stdin-open otherwise, see keepsStdinOpen);
    // otherwise it ends this attach, and the container's stdin stays open for the next one
    if (wantIn && conn.upgraded && !(stdinOnce(rec.spec) && !rec.spec.tty)) conn.input.once('end', () => session.close());
  };
  if (rec.state.status !== 'running') {
    const waiter: PendingAttach = { connect: (info) => connect(attachSocketPath(s.engine.paths.sockets, info.id)), abort: () => conn.end() };
    s.pendingAttach.set(rec.id, [...(s.pendingAttach.get(rec.id) ?? []), waiter]);
    void conn.gone.then(() => {
      const l = s.pendingAttach.get(rec.id)?.filter((x) => x !== waiter);
      if (l?.length) s.pendingAttach.set(rec.id, l);
      else s.pendingAttach.delete(rec.id);
    });
    return;
  }
  await connect(attachSocketPath(s.engine.paths.sockets, rec.id));
}

async function resize(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const rec = lookup(s, req.params['id'] as string);
  const h = intParam(req.query, 'h') ?? 0;
  const w = intParam(req.query, 'w') ?? 0;
  if (rec.state.status !== 'running') throw new BerthError('Conflict', `cannot resize container ${rec.id}: it is not running`);
  if (!resizeTerminal(containerPaths(s.engine.paths, rec.id).bundle, h, w) && rec.spec.tty) {
    throw new BerthError('Internal', `cannot resize container ${rec.id}: its monitor did not take the size`);
  }
  sendEmpty(res, 200);
}

/** POST /containers/{id}/exec: an exec instance, a file in its container's run dir (exec-store). */
async function execCreate(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const body = await readJson(req.raw);
  const rec = lookup(s, req.params['id'] as string);
  if (rec.state.status === 'paused') throw new BerthError('Conflict', `Container ${rec.id} is paused, unpause the container before exec`);
  if (rec.state.status !== 'running') throw new BerthError('Conflict', `Container ${rec.id} is not running`);
  const strings = (v: unknown, field: string): string[] => {
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return [v];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw new BerthError('InvalidArgument', `invalid JSON: ${field}: expected a list of strings`);
    return v as string[];
  };
  const cmd = strings(body['Cmd'], 'Cmd');
  if (cmd.length === 0) throw new BerthError('InvalidArgument', 'No exec command specified');
  const str = (k: string): string | undefined => (typeof body[k] === 'string' && body[k] !== '' ? (body[k] as string) : undefined);
  const detachKeys = str('DetachKeys') ?? '';
  if (detachKeys) parseDetachKeys(detachKeys);
  const e: ExecRecord = {
    id: randomBytes(32).toString('hex'),
    containerId: rec.id,
    cmd,
    env: strings(body['Env'], 'Env'),
    tty: body['Tty'] === true,
    attachStdin: body['AttachStdin'] === true,
    attachStdout: body['AttachStdout'] === true,
    attachStderr: body['AttachStderr'] === true,
    privileged: body['Privileged'] === true,
    detachKeys,
    pid: 0,
    pidStartTime: 0,
    exitCode: null,
  };
  const user = str('User');
  if (user) e.user = user;
  const workdir = str('WorkingDir');
  if (workdir) e.workdir = workdir;
  saveExec(s.engine.paths, e);
  containerEvent(s.engine, rec, `exec_create: ${cmd.join(' ')}`, { execID: e.id });
  sendJson(res, 201, { Id: e.id });
}

/** POST /exec/{id}/start: hijacked unless Detach; runc's pipes relayed, framed without a TTY. */
async function execStart(s: ServeContext, req: Request, conn: Hijacked): Promise<void> {
  const e = loadExec(s.engine.paths, req.params['id'] as string);
  const body = await readJsonFromHijack(conn, req);
  const { rec, process: proc } = execProcess(s.engine, e.containerId, {
    cmd: e.cmd,
    env: e.env,
    ...(e.user !== undefined ? { user: e.user } : {}),
    ...(e.workdir !== undefined ? { workdir: e.workdir } : {}),
    tty: e.tty,
    interactive: e.attachStdin,
    privileged: e.privileged,
  });
  if (!claimExecStart(s.engine.paths, e)) throw new BerthError('Conflict', `exec ${e.id} has already been started`);
  const described = proc.args.join(' ');
  const statusFile = execStatusFile(s.engine.paths, e);
  const ended = (code: number): void => {
    containerEvent(s.engine, rec, 'exec_die', { execID: e.id, exitCode: String(code) });
  };
  const failed = (err: unknown): number => {
    const code = err instanceof BerthError && err.kind === 'CommandNotFound' ? 127 : 126;
    e.exitCode = code;
    saveExec(s.engine.paths, e);
    return code;
  };
  if (body['Detach'] === true) {
    const opts = execOptions(s.engine, rec.id, proc, { tty: false, stdin: false });
    containerEvent(s.engine, rec, `exec_start: ${described}`, { execID: e.id });
    try {
      e.pid = await execBackground({ ...opts, statusFile });
    } catch (err) {
      ended(failed(err));
      throw err;
    }
    e.pidStartTime = e.pid ? startTimeOf(e.pid) : 0;
    saveExec(s.engine.paths, e);
    conn.begin('application/json');
    conn.end();
    void watchExecEnd(s, e).then((code) => code !== null && ended(code));
    return;
  }
  const opts = execOptions(s.engine, rec.id, proc, { tty: e.tty, stdin: e.attachStdin });
  const p = execPiped({ ...opts, statusFile });
  if (e.tty) s.execResize.set(e.id, (rows, cols) => p.resize(rows, cols));
  containerEvent(s.engine, rec, `exec_start: ${described}`, { execID: e.id });
  conn.begin(RAW_STREAM);
  const out = outputStreams(conn.output, e.tty, { stdout: e.attachStdout, stderr: e.attachStderr });
  const copied = Promise.all([pipeTo(p.stdout, out.stdout), pipeTo(p.stderr, out.stderr)]);
  if (e.attachStdin) {
    conn.input.pipe(p.stdin as unknown as Writable);
  } else if (!e.tty) {
    p.stdin.end();
  } // a terminal's input stays open (its end would be typed into the terminal) until the client goes
  void conn.gone.then(() => {
    // the client went away: the process gets a hang-up on its input, as docker's does
    p.stdin.end();
  });
  // its pid, for inspect (runc writes the pid file once the process runs)
  let settled = false;
  void p.done.catch(() => undefined).finally(() => (settled = true));
  const recordPid = async (): Promise<void> => {
    for (let i = 0; i < 200 && e.pid === 0 && !settled; i++) {
      e.pid = p.pid();
      if (e.pid === 0) await new Promise((r) => setTimeout(r, 10));
    }
    if (e.pid === 0) e.pid = p.pid();
    if (e.pid !== 0) {
      e.pidStartTime = startTimeOf(e.pid);
      saveExec(s.engine.paths, e);
    }
  };
  const pidRecorded = recordPid();
  let code: number;
  try {
    code = await p.done;
  } catch (err) {
    code = failed(err);
    out.stderr.write(Buffer.from(`${err instanceof Error ? err.message : String(err)}\n`));
  }
  await Promise.all([copied, pidRecorded]);
  s.execResize.delete(e.id);
  ended(code);
  conn.end();
}

/** The exit status of a detached exec once its status file appears (null when the server stops first). */
async function watchExecEnd(s: ServeContext, e: ExecRecord): Promise<number | null> {
  while (!s.shutdown.aborted) {
    let st: ReturnType<typeof execState>;
    try {
      st = execState(s.engine.paths, e);
    } catch {
      return null;
    }
    if (!st.running) return st.exitCode;
    await new Promise((r) => setTimeout(r, 200).unref());
  }
  return null;
}

/** The exec start body: from the request (an upgraded request's body precedes the stream). */
async function readJsonFromHijack(conn: Hijacked, req: Request): Promise<Record<string, unknown>> {
  const len = Number(req.raw.headers['content-length'] ?? '0');
  if (!conn.upgraded) return readJson(req.raw);
  if (!(len > 0)) return {};
  if (len > 1024 * 1024) throw new HttpError(413, 'request body too large');
  const buf = await readExactly(conn.input, len);
  try {
    return JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new BerthError('InvalidArgument', 'invalid JSON in exec start body');
  }
}

function readExactly(input: Readable, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      chunks.push(c);
      size += c.length;
      if (size >= n) {
        input.off('data', onData);
        input.off('end', onEnd);
        input.pause();
        const all = Buffer.concat(chunks);
        if (all.length > n) input.unshift(all.subarray(n));
        resolve(all.subarray(0, n));
      }
    };
    const onEnd = (): void => reject(new BerthError('InvalidArgument', 'exec start: the body ended early'));
    input.on('data', onData);
    input.on('end', onEnd);
  });
}

function pipeTo(src: NodeJS.ReadableStream, dst: Writable): Promise<void> {
  return new Promise((resolve) => {
    src.on('data', (c: Buffer) => {
      if (!dst.write(c)) {
        src.pause();
        dst.once('drain', () => src.resume());
      }
    });
    src.on('end', () => resolve());
    src.on('error', () => resolve());
  });
}

async function execInspect(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const e = loadExec(s.engine.paths, req.params['id'] as string);
  const st = execState(s.engine.paths, e);
  sendJson(res, 200, {
    ID: e.id,
    ContainerID: e.containerId,
    Running: st.running,
    ExitCode: st.exitCode,
    OpenStdin: e.attachStdin,
    OpenStdout: e.attachStdout,
    OpenStderr: e.attachStderr,
    CanRemove: false,
    DetachKeys: e.detachKeys,
    Pid: e.pid,
    ProcessConfig: { tty: e.tty, entrypoint: e.cmd[0], arguments: e.cmd.slice(1), privileged: e.privileged, user: e.user ?? '' },
  });
}

async function execResize(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const e = loadExec(s.engine.paths, req.params['id'] as string);
  const h = intParam(req.query, 'h') ?? 0;
  const w = intParam(req.query, 'w') ?? 0;
  if (!e.tty) throw new BerthError('Conflict', `exec ${e.id} has no terminal to resize`);
  const resize = s.execResize.get(e.id);
  if (!resize) throw new BerthError('Conflict', `exec ${e.id} is not running`);
  if (!(await resize(h, w))) throw new BerthError('InvalidArgument', `cannot resize exec ${e.id} to ${h}x${w}`);
  sendEmpty(res, 200);
}

async function top(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const psArgs = req.query.get('ps_args');
  sendJson(res, 200, await topContainer(s.engine, req.params['id'] as string, psArgs ? psArgs.split(/\s+/).filter(Boolean) : []));
}

/** GET /containers/{id}/stats: docker's stats JSON (cgroup v1/v2 counters), once or every second. */
async function stats(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const rec = lookup(s, req.params['id'] as string);
  const stream = boolParam(req.query, 'stream', true);
  const oneShot = boolParam(req.query, 'one-shot');
  const sample = (c: ContainerRecord) => (LIVE.has(c.state.status) ? sampleStats(s.engine, c) : undefined);
  let prev = sample(rec);
  let prevRead = new Date();
  if (!stream && !oneShot) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  let closed = false;
  res.on('close', () => (closed = true));
  for (;;) {
    const cur = s.engine.containers.get(rec.id);
    const c = cur ? refreshContainer(s.engine, cur) : rec;
    const now = sample(c);
    const read = new Date();
    res.write(`${JSON.stringify(statsJson(c, now, prev, read, prevRead))}\n`);
    prev = now;
    prevRead = read;
    if (!stream || closed || s.shutdown.aborted || !cur) break;
    await new Promise((r) => setTimeout(r, 1000));
    if (closed) break;
  }
  res.end();
}

function statsJson(
  c: ContainerRecord,
  cur: ReturnType<typeof sampleStats> | undefined,
  prev: ReturnType<typeof sampleStats> | undefined,
  read: Date,
  preread: Date,
): Record<string, unknown> {
  const cpu = (x: ReturnType<typeof sampleStats> | undefined) => ({
    cpu_usage: { total_usage: x?.cpuNs ?? 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    system_cpu_usage: x?.systemNs ?? 0,
    online_cpus: x?.onlineCpus ?? 0,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  });
  const blk = cur
    ? [
        { major: 0, minor: 0, op: 'Read', value: cur.blkRead },
        { major: 0, minor: 0, op: 'Write', value: cur.blkWrite },
      ]
    : null;
  return {
    read: cur ? read.toISOString() : '0001-01-01T00:00:00Z',
    preread: prev ? preread.toISOString() : '0001-01-01T00:00:00Z',
    id: c.id,
    name: `/${c.name}`,
    pids_stats: cur ? { current: cur.pids } : {},
    blkio_stats: {
      io_service_bytes_recursive: blk,
      io_serviced_recursive: null,
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu(cur),
    precpu_stats: cpu(prev),
    memory_stats: cur ? { usage: cur.memUsage, limit: Number.isFinite(cur.memLimit) ? cur.memLimit : 0, stats: {} } : {},
    networks: cur
      ? { eth0: { rx_bytes: cur.netRx, tx_bytes: cur.netTx, rx_packets: 0, tx_packets: 0, rx_errors: 0, tx_errors: 0, rx_dropped: 0, tx_dropped: 0 } }
      : undefined,
  };
}

/** An archive path from the query: required, absolute or relative to /, with no NUL. */
function archivePath(req: Request): string {
  const p = req.query.get('path');
  if (p === null || p === '') throw new BerthError('InvalidArgument', 'Bad parameter: path cannot be empty');
  if (p.includes('\0')) throw new BerthError('InvalidArgument', 'Bad parameter: path contains a NUL byte');
  return p.startsWith('/') ? p : `/${p}`;
}

function statHeader(st: { name: string; size: number; mode: number; mtime: string; linkTarget: string }): string {
  return Buffer.from(JSON.stringify(st)).toString('base64');
}

async function archiveHead(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const st = await statContainerPath(s.engine, req.params['id'] as string, archivePath(req));
  res.writeHead(200, { 'X-Docker-Container-Path-Stat': statHeader(st), 'Content-Type': 'application/json', 'Content-Length': 0 });
  res.end();
}

async function archiveGet(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const id = req.params['id'] as string;
  const p = archivePath(req);
  const st = await statContainerPath(s.engine, id, p);
  res.writeHead(200, { 'X-Docker-Container-Path-Stat': statHeader(st), 'Content-Type': 'application/x-tar' });
  await copyFromContainer(s.engine, id, p, res);
  res.end();
}

/** PUT /containers/{id}/archive?path=DIR: a tar unpacked into DIR with the hostile-input-safe unpacker. */
async function archivePut(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const p = archivePath(req);
  // copyUIDGID (docker cp -a): the container user's owner instead of root's (see copyToContainer)
  await copyToContainer(s.engine, req.params['id'] as string, req.raw, p, { archive: boolParam(req.query, 'copyUIDGID') });
  sendEmpty(res, 200);
}

async function exportHandler(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const rec = lookup(s, req.params['id'] as string);
  res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  await exportContainer(s.engine, rec.id, res);
  res.end();
}

async function changes(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const kinds: Record<string, number> = { C: 0, A: 1, D: 2 };
  const list = containerDiff(s.engine, req.params['id'] as string);
  sendJson(res, 200, list.length ? list.map((c) => ({ Path: c.path, Kind: kinds[c.kind] ?? 0 })) : null);
}

async function prune(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const r = await pruneContainers(s.engine, { filters: pruneFilters(req) });
  sendJson(res, 200, { ContainersDeleted: r.removed.length ? r.removed : null, SpaceReclaimed: r.reclaimed });
}

/** POST /commit?container=&repo=&tag=&comment=&author=&pause=&changes=: 201 {Id}. */
async function commit(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  req.raw.resume();
  const q = req.query;
  const container = q.get('container');
  if (!container) throw new BerthError('InvalidArgument', 'container is required');
  const repo = q.get('repo');
  const tag = q.get('tag');
  const reference = repo ? (tag ? `${repo}:${tag}` : repo) : undefined;
  const comment = q.get('comment');
  const author = q.get('author');
  const id = await commitContainer(s.engine, container, {
    ...(reference ? { reference } : {}),
    ...(comment ? { message: comment } : {}),
    ...(author ? { author } : {}),
    changes: q
      .getAll('changes')
      .flatMap((c) => c.split('\n'))
      .filter((c) => c.trim() !== ''),
    pause: boolParam(q, 'pause', true),
  });
  sendJson(res, 201, { Id: id });
}

/** POST /containers/{id}/update: cgroup limits and the restart policy (docker's UpdateConfig). */
async function update(s: ServeContext, req: Request, res: ServerResponse): Promise<void> {
  const body = await readJson(req.raw);
  const n = (k: string): number | undefined => {
    const v = body[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number') throw new BerthError('InvalidArgument', `invalid JSON: ${k}: expected a number`);
    return v === 0 ? undefined : v;
  };
  const str = (k: string): string | undefined => (typeof body[k] === 'string' && body[k] !== '' ? (body[k] as string) : undefined);
  const r: Partial<ContainerRecord['spec']['resources']> = {};
  const set = <K extends keyof ContainerRecord['spec']['resources']>(k: K, v: ContainerRecord['spec']['resources'][K] | undefined): void => {
    if (v !== undefined) r[k] = v;
  };
  set('memory', n('Memory'));
  set('memorySwap', n('MemorySwap'));
  set('memoryReservation', n('MemoryReservation'));
  set('nanoCpus', n('NanoCpus'));
  set('cpuShares', n('CpuShares'));
  set('cpuQuota', n('CpuQuota'));
  set('cpuPeriod', n('CpuPeriod'));
  set('cpusetCpus', str('CpusetCpus'));
  set('cpusetMems', str('CpusetMems'));
  set('pidsLimit', n('PidsLimit'));
  for (const k of ['BlkioWeight', 'KernelMemory', 'CpuRealtimePeriod', 'CpuRealtimeRuntime']) {
    if (n(k) !== undefined) throw new BerthError('NotImplemented', `updating ${k} is not supported by berth serve`);
  }
  const rp = body['RestartPolicy'] as { Name?: unknown; MaximumRetryCount?: unknown } | undefined;
  let restartPolicy: ContainerRecord['spec']['restartPolicy'] | undefined;
  if (rp && typeof rp.Name === 'string' && rp.Name !== '') {
    const max = typeof rp.MaximumRetryCount === 'number' ? rp.MaximumRetryCount : 0;
    restartPolicy = parseRestart(rp.Name === 'on-failure' && max > 0 ? `on-failure:${max}` : rp.Name);
  }
  await updateContainer(s.engine, req.params['id'] as string, { resources: r, ...(restartPolicy ? { restartPolicy } : {}) });
  sendJson(res, 200, { Warnings: [] });
}

export const CONTAINER_ROUTES: Route[] = [
  route('GET', '/containers/json', list),
  route('POST', '/containers/create', create),
  route('POST', '/containers/prune', prune),
  route('GET', '/containers/{id}/json', inspect),
  route('POST', '/containers/{id}/start', start),
  route('POST', '/containers/{id}/stop', stop),
  route('POST', '/containers/{id}/restart', restart),
  route('POST', '/containers/{id}/kill', kill),
  route('POST', '/containers/{id}/pause', pause),
  route('POST', '/containers/{id}/unpause', unpause),
  route('POST', '/containers/{id}/rename', rename),
  route('POST', '/containers/{id}/wait', wait),
  route('DELETE', '/containers/{id}', remove),
  route('GET', '/containers/{id}/logs', logs),
  hijackRoute('POST', '/containers/{id}/attach', attachHandler),
  route('POST', '/containers/{id}/resize', resize),
  route('POST', '/containers/{id}/exec', execCreate),
  hijackRoute('POST', '/exec/{id}/start', execStart),
  route('GET', '/exec/{id}/json', execInspect),
  route('POST', '/exec/{id}/resize', execResize),
  route('GET', '/containers/{id}/top', top),
  route('GET', '/containers/{id}/stats', stats),
  route('HEAD', '/containers/{id}/archive', archiveHead),
  route('GET', '/containers/{id}/archive', archiveGet),
  route('PUT', '/containers/{id}/archive', archivePut),
  route('GET', '/containers/{id}/export', exportHandler),
  route('GET', '/containers/{id}/changes', changes),
  route('POST', '/containers/{id}/update', update),
  route('POST', '/commit', commit),
];
