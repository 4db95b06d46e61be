import type { ImageConfig, ImageRuntimeConfig } from '../oci/types.js';

/** One stored image: a row of the `images` table plus the references that point at it. */
export interface ImageRecord {
  /** config digest, `sha256:<hex>`: docker's image id */
  id: string;
  manifestDigest: string;
  /** the config's `created`, ISO 8601, or '' when the image does not say */
  created: string;
  /** sum of the unpacked sizes of the image's layers (what `docker images` shows) */
  size: number;
  /** chain id of the top layer: the lowest directory a container overlays */
  topChainId: string;
  /** chain ids bottom → top */
  chainIds: string[];
  /** layer blob digests bottom → top, as the manifest lists them */
  layerDigests: string[];
  /** normalised tagged references, e.g. `docker.io/library/busybox:latest` */
  tags: string[];
  /** normalised digested references, e.g. `docker.io/library/busybox@sha256:…` */
  digests: string[];
  /** when a tag was last set on the image (ISO 8601), '' if never */
  lastTagTime: string;
}

/** An image as `list()` returns it: the record plus its parsed config. */
export interface ImageSummary extends ImageRecord {
  config: ImageConfig;
}

/** A container that uses an image, as the container service reports it to image removal. */
export interface ImageUser {
  containerId: string;
  running: boolean;
}

/** One row of `docker history`, in the Docker Engine API's shape (newest first). */
export interface HistoryItem {
  /** the image id on the top row, `<missing>` below it (no parent images are stored) */
  Id: string;
  /** seconds since the epoch */
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/** The container-config shape docker shows under `Config` in `docker image inspect`. */
export interface InspectConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: ImageRuntimeConfig['ExposedPorts'];
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[] | null;
  Cmd: string[] | null;
  Healthcheck?: ImageRuntimeConfig['Healthcheck'];
  Image: string;
  Volumes: ImageRuntimeConfig['Volumes'] | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: string[] | null;
  Labels: Record<string, string> | null;
  StopSignal?: string;
  Shell?: string[];
}

/** `docker image inspect` output (Docker Engine API ImageInspect). */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: InspectConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

/** What `docker image rm` reports, in order: references removed, then images deleted. */
export interface RemoveResult {
  untagged: string[];
  deleted: string[];
}

/** Totals for `docker system df`. */
export interface ImageUsage {
  count: number;
  /** images used by at least one container */
  active: number;
  /** bytes of all distinct layers */
  size: number;
  /** bytes of layers no in-use image needs */
  reclaimable: number;
}
