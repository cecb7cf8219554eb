/**
 * The shape of config.json. Every field has a default in config/defaults.json;
 * this schema is the single description used to validate the merged config,
 * to map `CPNET_*` environment variables onto fields, and to document them.
 */
import { Type, type Static } from '@sinclair/typebox'
import { LOG_LEVELS } from '../log/logger.ts'
import { LabelsSchema, MAX_LEASE_SEC, PoolSpecSchema, PriceSchema, RegionSchema } from './pool-schema.ts'

const strict = { additionalProperties: false } as const
const Port = Type.Integer({ minimum: 0, maximum: 65535, description: 'TCP port; 0 lets the OS choose' })
/** A list of non-empty strings (multiaddrs, hosts, a command's argv). */
const Strings = (description: string) => Type.Array(Type.String({ minLength: 1 }), { maxItems: 64, description })

export const RpcConfigSchema = Type.Object({
  host: Type.String({ minLength: 1, description: 'Address the JSON-RPC server binds to' }),
  port: Port,
  allowRemote: Type.Boolean({ description: 'Allow binding to a non-loopback address (the token is then the only guard)' }),
  allowedHosts: Strings('Host header values accepted besides loopback names and addresses'),
  cors: Strings('Origins allowed to call the API from a browser; empty means none'),
  maxBodyBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, description: 'Largest request body (HTTP) or message (WebSocket); larger ones get 413 / -32600' }),
  maxBatch: Type.Integer({ minimum: 1, maximum: 10000, description: 'Most calls in one batch; a larger batch is refused whole' }),
  maxWsConnections: Type.Integer({ minimum: 1, maximum: 10000, description: 'Most WebSocket connections at once; more get 503' }),
  maxSubscriptionsPerConnection: Type.Integer({ minimum: 1, maximum: 10000, description: 'Most subscriptions one WebSocket connection may hold' })
}, strict)

export const DhtConfigSchema = Type.Object({
  mode: Type.Union([Type.Literal('auto'), Type.Literal('server'), Type.Literal('client')], { description: 'server answers DHT queries for others (and is dialled for them); client only asks; auto is a client until the node has a public address (an announced one: see README), then a server' }),
  addresses: Type.Union([Type.Literal('public'), Type.Literal('all')], { description: 'public drops private and loopback addresses from DHT peer info; all keeps them (local networks)' }),
  protocol: Type.String({ pattern: '^/', description: 'Kademlia protocol id, starting with /; nodes with different ids form different DHTs' })
}, strict)

export const NetworkConfigSchema = Type.Object({
  maxConnections: Type.Integer({ minimum: 1, maximum: 100000, description: 'libp2p connection limit; past it the least valuable connections are closed' }),
  inboundConnectionThreshold: Type.Integer({ minimum: 1, maximum: 100000, description: 'Inbound connections accepted per second from one host' }),
  bootstrapIntervalSec: Type.Number({ exclusiveMinimum: 0, maximum: 86400, description: 'How often bootstrap peers are re-dialled while too few peers are connected' }),
  minPeers: Type.Integer({ minimum: 0, maximum: 1000, description: 'Below this many connections the bootstrap list is dialled again' }),
  gossipLoopbackWhitelist: Type.Boolean({ description: 'Exempt 127.0.0.1 from gossipsub IP-colocation scoring (local testnets only; many peers on one address are otherwise scored down)' })
}, strict)

export const LogConfigSchema = Type.Object({
  level: Type.Union(LOG_LEVELS.map(l => Type.Literal(l)), { description: 'Least severe level logged' }),
  format: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], { description: 'auto: pretty on a terminal, JSON otherwise' })
}, strict)

export const MetricsConfigSchema = Type.Object({
  enabled: Type.Boolean({ description: 'Serve Prometheus text at GET /metrics on the RPC port' })
}, strict)

const Seconds = (min: number, max: number, description: string) => Type.Number({ minimum: min, maximum: max, description })
const Millis = (description: string) => Type.Integer({ minimum: 10, maximum: 60_000, description })

export const DiscoveryConfigSchema = Type.Object({
  provideValiditySec: Seconds(3, 172_800, 'How long DHT peers keep our capability-key provider records; at least 3 × reprovideIntervalSec'),
  reprovideIntervalSec: Seconds(1, 86_400, 'How often kad-dht checks provider records: re-provides ours, drops expired ones of others'),
  offerTtlSec: Seconds(2, 86_400, 'Validity of a signed offer (expiresAt − issuedAt); at least 2 × republishIntervalSec'),
  republishIntervalSec: Seconds(1, 43_200, 'How often offers are signed anew and put in the DHT even when nothing changed'),
  searchTimeoutMs: Millis('Deadline of offers_search and offers_get when the caller gives none'),
  fetchTimeoutMs: Millis('Deadline of one /cpnet/offers/1.0.0 request'),
  cacheRefreshSec: Seconds(0.1, 3600, 'A cached search result older than this is refreshed in the background when read'),
  maxProviders: Type.Integer({ minimum: 1, maximum: 1000, description: 'Providers asked per search at most' }),
  defaultLimit: Type.Integer({ minimum: 1, maximum: 1000, description: 'Offers returned when the caller gives no limit' })
}, strict)

const Path = (description: string) => Type.String({ minLength: 1, description })

/** The `ssh` provisioner: a Unix account per lease behind this host's sshd. */
export const SshProvisionerConfigSchema = Type.Object({
  host: Type.String({ description: 'Address consumers dial; empty: the first non-loopback IPv4 address of the machine' }),
  port: Type.Integer({ minimum: 1, maximum: 65535, description: 'Port of the host\'s sshd' }),
  hostKeys: Type.Array(Path('A host public key file'), { maxItems: 8, description: 'The sshd host public keys sent to consumers to pin (those that exist are read)' }),
  homeBase: Path('Directory under which lease accounts get their home'),
  userPrefix: Type.String({ pattern: '^[a-z_][a-z0-9_-]{0,15}$', description: 'Lease accounts are named this and the lease id\'s first 12 characters' }),
  shell: Path('Login shell of lease accounts'),
  groups: Type.Array(Type.String({ pattern: '^[a-z_][a-z0-9_-]{0,31}$' }), { maxItems: 16, description: 'Supplementary groups of lease accounts (e.g. video, render for device nodes)' })
}, strict)

/** The `container` provisioner: a podman or docker container per lease with an sshd inside. */
export const ContainerProvisionerConfigSchema = Type.Object({
  runtime: Type.Union([Type.Literal('auto'), Type.Literal('podman'), Type.Literal('docker')], { description: 'Container runtime; auto: podman, else docker, on PATH' }),
  runtimeArgs: Strings('Arguments before the runtime\'s subcommand (e.g. --runtime runc)'),
  runArgs: Strings('Extra arguments to `run` (e.g. --ulimit nofile=1024:1024)'),
  gpuMode: Type.Union([Type.Literal('auto'), Type.Literal('cdi'), Type.Literal('gpus'), Type.Literal('devices')], { description: 'How devices enter a container: cdi (nvidia.com/gpu=<index>), gpus (docker --gpus device=), devices (device nodes); auto picks what the host has' }),
  devicePath: Type.String({ pattern: '\\{index\\}', description: 'Device node of a GPU, {index} replaced by its index (gpuMode devices)' }),
  extraDevices: Strings('Device nodes every GPU container also gets, when they exist (gpuMode devices)'),
  host: Type.String({ description: 'Address consumers dial; empty: the first non-loopback IPv4 address of the machine' }),
  sshPortFirst: Type.Integer({ minimum: 1, maximum: 65535, description: 'First host port given to a container\'s sshd' }),
  sshPortLast: Type.Integer({ minimum: 1, maximum: 65535, description: 'Last host port given to a container\'s sshd' })
}, strict)

/** The `slurm` provisioner: a job allocation per lease, reached from a login account on this host. */
export const SlurmProvisionerConfigSchema = Type.Object({
  userPrefix: Type.String({ pattern: '^[a-z_][a-z0-9_-]{0,15}$', description: 'Slurm leases\' login accounts (made behind lease.ssh\'s sshd, the job\'s owner) are named this and the lease id\'s first 12 characters; distinct from lease.ssh.userPrefix' }),
  immediateSec: Seconds(1, 300, 'How long salloc waits for Slurm to give a lease\'s GPUs before the lease is refused NO_CAPACITY')
}, strict)

export const LeaseConfigSchema = Type.Object({
  quoteTtlSec: Seconds(1, 600, 'How long a quote holds capacity for the consumer to accept'),
  maxCounterRounds: Type.Integer({ minimum: 0, maximum: 10, description: 'Counter-offers a provider answers per negotiation' }),
  maxNegotiations: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Negotiations a provider runs at once; more are refused with BUSY' }),
  startHook: Strings('Command (program and arguments) run when a lease starts; it reads the lease as JSON on stdin and prints the access details as a JSON object; empty: none'),
  endHook: Strings('Command run when a lease ends (release or expiry); empty: none'),
  hookTimeoutSec: Seconds(1, 600, 'How long a hook may run'),
  provisionTimeoutSec: Seconds(1, 1800, 'How long provisioning a lease (or extending or removing its access) may take before it is stopped and the lease refused'),
  ssh: SshProvisionerConfigSchema,
  container: ContainerProvisionerConfigSchema,
  slurm: SlurmProvisionerConfigSchema,
  stepTimeoutSec: Seconds(0.1, 600, 'How long either side of a lease stream waits for the next frame'),
  grantTimeoutSec: Seconds(0.1, 3600, 'How long a consumer waits for the Grant after its Accept: the provider provisions the lease in between (its lease.provisionTimeoutSec, 60 s by default), so this is longer; then it asks the provider'),
  reconcileIntervalSec: Seconds(0.1, 3600, 'How often a consumer asks providers about leases it accepted but never saw confirmed')
}, strict)

export const PricesConfigSchema = Type.Object({
  heartbeatSec: Seconds(0.5, 3600, 'How often every pool\'s price update is published even when nothing changed; an update is valid for 3 heartbeats'),
  historyMaxAgeSec: Seconds(60, 31_536_000, 'Price history entries older than this are dropped'),
  historyMaxPerCpi: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Most price history entries kept per CPI; the oldest go first' })
}, strict)

/** The Slurm cluster the provider's Slurm pools front (docs/PROVIDER.md). */
export const SlurmClusterConfigSchema = Type.Object({
  conf: Type.String({ description: 'The cluster\'s slurm.conf (SLURM_CONF for every Slurm command and lease session); empty: Slurm\'s default' }),
  binDir: Type.String({ description: 'Folder of sinfo, squeue, scontrol, salloc and scancel; empty: found on PATH' }),
  output: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('text')], { description: 'How Slurm is read: json (sinfo/squeue --json, Slurm 21.08+), text (scontrol show -o), auto: json where the commands have it' }),
  refreshSec: Seconds(1, 3600, 'How often the Slurm pools\' GPUs are read again: GPUs drained, down or taken by other jobs leave the offer within this'),
  commandTimeoutSec: Seconds(1, 600, 'How long one Slurm command may run')
}, strict)

/** The provider section of config.json: defaults for every pool, and the declared pools. */
export const ProviderConfigSchema = Type.Object({
  detectGpus: Type.Boolean({ description: 'Read GPUs from nvidia-smi when the binary is on PATH' }),
  nvidiaSmi: Type.String({ minLength: 1, description: 'The nvidia-smi command (a name looked up on PATH, or a path)' }),
  detectIntervalSec: Seconds(0, 86_400, 'How often nvidia-smi is asked again while the node runs (when detectGpus is on): a GPU gone from its list leaves its pool, one back rejoins it; 0: only at start'),
  region: RegionSchema,
  labels: LabelsSchema,
  price: PriceSchema,
  minLeaseSec: Type.Integer({ minimum: 1, maximum: MAX_LEASE_SEC }),
  maxLeaseSec: Type.Integer({ minimum: 1, maximum: MAX_LEASE_SEC }),
  pools: Type.Array(PoolSpecSchema, { maxItems: 64, description: 'Declared pools; they win over detected ones of the same name or model' }),
  slurm: SlurmClusterConfigSchema
}, strict)
export type ProviderConfig = Static<typeof ProviderConfigSchema>

export const ConfigSchema = Type.Object({
  listen: Strings('libp2p listen multiaddrs'),
  announce: Strings('Multiaddrs announced to peers instead of the listen addresses (e.g. behind NAT)'),
  bootstrap: Strings('Peers dialled at start, each with /p2p/<peerId>'),
  rpc: RpcConfigSchema,
  dht: DhtConfigSchema,
  network: NetworkConfigSchema,
  log: LogConfigSchema,
  metrics: MetricsConfigSchema,
  provider: ProviderConfigSchema,
  discovery: DiscoveryConfigSchema,
  lease: LeaseConfigSchema,
  prices: PricesConfigSchema
}, strict)

export type Config = Static<typeof ConfigSchema>
