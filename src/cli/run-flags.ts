import { Option, type Command } from 'commander';
import { collect } from './options.js';

/** The cgroup limit flags of `run`, `create` and `update`. */
export function addResourceFlags(cmd: Command): Command {
  return cmd
    .option('-m, --memory <bytes>', 'memory limit')
    .option('--memory-swap <bytes>', "swap limit equal to memory plus swap: '-1' to enable unlimited swap")
    .option('--memory-reservation <bytes>', 'memory soft limit')
    .option('--cpus <number>', 'number of CPUs')
    .option('-c, --cpu-shares <int>', 'CPU shares (relative weight)')
    .option('--cpu-quota <int>', 'limit CPU CFS quota')
    .option('--cpu-period <int>', 'limit CPU CFS period')
    .option('--cpuset-cpus <list>', 'CPUs in which to allow execution (0-3, 0,1)')
    .option('--cpuset-mems <list>', 'memory nodes (NUMA) in which to allow execution (0-3, 0,1)')
    .option('--cpu-rt-period <µs>', 'limit CPU real-time period in microseconds (cgroup v1)')
    .option('--cpu-rt-runtime <µs>', 'limit CPU real-time runtime in microseconds (cgroup v1)')
    .option('--blkio-weight <n>', 'block IO (relative weight), between 10 and 1000, or 0 to disable')
    .option('--pids-limit <int>', 'tune container pids limit (set -1 for unlimited)');
}

/** The flags `run` and `create` share, declared once. */
export function addContainerFlags(cmd: Command): Command {
  return addResourceFlags(cmd)
    .option('--name <name>', 'assign a name to the container')
    .option('--pod <name>', "run the container in a pod (new:NAME makes the pod, with the container's -p)")
    .option('-e, --env <KEY=VALUE>', 'set environment variables', collect, [])
    .option('--env-file <file>', 'read in a file of environment variables', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'username or UID (format: <name|uid>[:<group|gid>])')
    .option('--group-add <group>', 'add additional groups to join', collect, [])
    .option('-h, --hostname <name>', 'container host name')
    .option('--domainname <name>', 'container NIS domain name')
    .option('--entrypoint <cmd>', 'overwrite the default ENTRYPOINT of the image')
    .option('-l, --label <KEY=VALUE>', 'set meta data on a container', collect, [])
    .option('-i, --interactive', 'keep STDIN open even if not attached')
    .option('-t, --tty', 'allocate a pseudo-TTY')
    .option('--read-only', "mount the container's root filesystem as read only")
    .option('--privileged', 'give extended privileges to this container')
    .option('--init', 'run an init inside the container that forwards signals and reaps processes')
    .option('--cap-add <cap>', 'add Linux capabilities', collect, [])
    .option('--cap-drop <cap>', 'drop Linux capabilities', collect, [])
    .option('--security-opt <opt>', 'security options', collect, [])
    .option('--oom-kill-disable', 'disable OOM killer')
    .option('--ulimit <name=soft[:hard]>', 'ulimit options', collect, [])
    .option('--device <host[:ctr[:perms]]>', 'add a host device to the container', collect, [])
    .option('-v, --volume <[src:]dst[:opts]>', 'bind mount a volume', collect, [])
    .option('--mount <spec>', 'attach a filesystem mount to the container', collect, [])
    .option('--tmpfs <dst[:opts]>', 'mount a tmpfs directory', collect, [])
    .option('--network <mode>', 'connect a container to a network (bridge, none, host, container:NAME, or a network name)')
    .option('--network-alias <alias>', 'add network-scoped alias for the container', collect, [])
    .option('--ip <address>', 'IPv4 address (e.g., 172.30.100.104)')
    .addOption(new Option('--net <mode>', 'alias of --network').hideHelp())
    .option('--dns <ip>', 'set custom DNS servers', collect, [])
    .option('--dns-search <domain>', 'set custom DNS search domains', collect, [])
    .option('--dns-option <opt>', 'set DNS options', collect, [])
    .option('--add-host <host:ip>', 'add a custom host-to-IP mapping', collect, [])
    .option('-p, --publish <spec>', "publish a container's port(s) to the host", collect, [])
    .option('-P, --publish-all', 'publish all exposed ports to random ports')
    .option('--restart <policy>', 'restart policy to apply when a container exits', 'no')
    .option('--rm', 'automatically remove the container when it exits')
    .option('--stop-signal <signal>', 'signal to stop the container')
    .option('--stop-timeout <seconds>', 'timeout (in seconds) to stop a container')
    .option('--health-cmd <command>', 'command to run to check health')
    .option('--health-interval <duration>', 'time between running the check (ms|s|m|h) (default 0s)')
    .option('--health-timeout <duration>', 'maximum time to allow one check to run (ms|s|m|h) (default 0s)')
    .option('--health-start-period <duration>', 'start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)')
    .option('--health-start-interval <duration>', 'time between running the check during the start period (ms|s|m|h) (default 0s)')
    .option('--health-retries <n>', 'consecutive failures needed to report unhealthy')
    .option('--no-healthcheck', 'disable any container-specified HEALTHCHECK')
    .option('--shm-size <bytes>', 'size of /dev/shm')
    .option('--sysctl <k=v>', 'sysctl options', collect, [])
    .option('--ipc <mode>', 'IPC mode to use')
    .option('--pid <mode>', 'PID namespace to use')
    .option('--uts <mode>', 'UTS namespace to use')
    .option('--cgroupns <mode>', 'cgroup namespace to use (host|private)')
    .option('--expose <port>', 'expose a port or a range of ports', collect, [])
    .option('--label-file <file>', 'read in a line delimited file of labels', collect, [])
    .option('--cidfile <file>', 'write the container ID to the file')
    .option('--device-cgroup-rule <rule>', 'add a rule to the cgroup allowed devices list ("c 1:3 rwm")', collect, [])
    .option('--device-read-bps <path:rate>', 'limit read rate (bytes per second) from a device', collect, [])
    .option('--device-write-bps <path:rate>', 'limit write rate (bytes per second) to a device', collect, [])
    .option('--device-read-iops <path:rate>', 'limit read rate (IO per second) from a device', collect, [])
    .option('--device-write-iops <path:rate>', 'limit write rate (IO per second) to a device', collect, [])
    .option('--gpus <gpu-request>', 'GPU devices to add to the container (none on this host)')
    .option('--blkio-weight-device <device:weight>', 'block IO weight (relative device weight)', collect, [])
    .option('--cpu-count <n>', 'CPU count (Windows only: discarded with a warning, as docker does on Linux)')
    .option('--cpu-percent <n>', 'CPU percent (Windows only: discarded with a warning, as docker does on Linux)')
    .option('--io-maxbandwidth <bytes>', 'maximum IO bandwidth (Windows only: refused on Linux, as docker does)')
    .option('--io-maxiops <n>', 'maximum IOps (Windows only: refused on Linux, as docker does)')
    .option('--volume-driver <driver>', 'volume driver for the container\'s volumes (only "local")')
    .option('--link-local-ip <ip>', "container IPv4/IPv6 link-local addresses (not supported by berth's networks)", collect, [])
    .option('--use-api-socket', "bind mount the engine's API socket (berth has none)")
    .option('--kernel-memory <bytes>', 'kernel memory limit (deprecated by docker: ignored with a warning)')
    .option('--storage-opt <opt>', 'storage driver options for the container', collect, [])
    .option('--ip6 <address>', 'IPv6 address (no berth network has IPv6)')
    .option('--runtime <runtime>', "runtime to use for this container (the engine's: --runtime before the command chooses it)")
    .option('--isolation <technology>', 'container isolation technology (only "default" on Linux)')
    .option('--disable-content-trust', "skip image verification (docker's default; berth does no content trust: =false is refused)")
    .addOption(new Option('--no-disable-content-trust', 'ask for image verification (refused: berth does no content trust)').hideHelp())
    .option('--log-driver <driver>', "logging driver for the container: json-file, local, k8s-file (one format, berth's), or none")
    .option('--log-opt <key=value>', 'log driver options (max-size, max-file, …)', collect, [])
    .option('--oom-score-adj <n>', "tune the host's OOM preferences (-1000 to 1000)")
    .option('--memory-swappiness <n>', 'tune container memory swappiness (0 to 100)', '-1')
    .option('--annotation <key=value>', 'add an annotation to the container (passed through to the OCI runtime)', collect, [])
    .option('--userns <mode>', "user namespace: host (root's containers), or keep-id (rootless: your own uid inside)")
    .option('--mac-address <mac>', 'container MAC address (e.g., 92:d0:c6:0a:29:33)')
    .option('--cgroup-parent <path>', 'optional parent cgroup for the container')
    .option('--link <name[:alias]>', 'add a link to another container (its address in /etc/hosts)', collect, [])
    .option('--volumes-from <container[:ro|rw]>', 'mount volumes from the specified container(s)', collect, [])
    .option('--pull <policy>', 'pull image before running ("always", "missing", "never")', 'missing')
    .option('--platform <platform>', 'set platform if server is multi-platform capable');
}

/** What addResourceFlags parses into. */
export interface ResourceFlags {
  memory?: string;
  memorySwap?: string;
  memoryReservation?: string;
  cpus?: string;
  cpuShares?: string;
  cpuQuota?: string;
  cpuPeriod?: string;
  cpusetCpus?: string;
  cpusetMems?: string;
  cpuRtPeriod?: string;
  cpuRtRuntime?: string;
  blkioWeight?: string;
  pidsLimit?: string;
}

export interface ContainerFlags extends ResourceFlags {
  name?: string;
  /** pods: --pod NAME or new:NAME */
  pod?: string;
  env: string[];
  envFile: string[];
  workdir?: string;
  user?: string;
  groupAdd: string[];
  hostname?: string;
  domainname?: string;
  entrypoint?: string;
  label: string[];
  labelFile: string[];
  expose: string[];
  cgroupns?: string;
  cidfile?: string;
  interactive?: boolean;
  tty?: boolean;
  readOnly?: boolean;
  privileged?: boolean;
  init?: boolean;
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  oomKillDisable?: boolean;
  ulimit: string[];
  device: string[];
  volume: string[];
  mount: string[];
  tmpfs: string[];
  network?: string;
  net?: string;
  networkAlias: string[];
  ip?: string;
  dns: string[];
  dnsSearch: string[];
  dnsOption: string[];
  addHost: string[];
  publish: string[];
  publishAll?: boolean;
  restart: string;
  rm?: boolean;
  stopSignal?: string;
  stopTimeout?: string;
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthStartPeriod?: string;
  healthStartInterval?: string;
  healthRetries?: string;
  logDriver?: string;
  logOpt: string[];
  deviceCgroupRule: string[];
  deviceReadBps: string[];
  deviceWriteBps: string[];
  deviceReadIops: string[];
  deviceWriteIops: string[];
  gpus?: string;
  blkioWeightDevice: string[];
  cpuCount?: string;
  cpuPercent?: string;
  ioMaxbandwidth?: string;
  ioMaxiops?: string;
  volumeDriver?: string;
  linkLocalIp: string[];
  useApiSocket?: boolean;
  /** false only for `--disable-content-trust=false`: verification asked for, which berth cannot do */
  disableContentTrust?: boolean;
  kernelMemory?: string;
  storageOpt: string[];
  ip6?: string;
  runtime?: string;
  isolation?: string;
  oomScoreAdj?: string;
  memorySwappiness: string;
  annotation: string[];
  userns?: string;
  volumesFrom: string[];
  link: string[];
  cgroupParent?: string;
  macAddress?: string;
  /** commander's negated --no-healthcheck: false when given */
  healthcheck?: boolean;
  shmSize?: string;
  sysctl: string[];
  ipc?: string;
  pid?: string;
  uts?: string;
  pull: string;
  platform?: string;
}
