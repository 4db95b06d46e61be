import { BUILD_ROUTES } from './build.js';
import { CONTAINER_ROUTES } from './containers.js';
import { DISTRIBUTION_ROUTES } from './distribution.js';
import { IMAGE_ROUTES } from './images.js';
import { NETWORK_VOLUME_ROUTES } from './networks-volumes.js';
import type { Route } from './router.js';
import { SYSTEM_ROUTES } from './system.js';

/** Every route berth serve answers; anything else is docker's 404 "page not found". */
export const ROUTES: Route[] = [...SYSTEM_ROUTES, ...CONTAINER_ROUTES, ...DISTRIBUTION_ROUTES, ...IMAGE_ROUTES, ...NETWORK_VOLUME_ROUTES, ...BUILD_ROUTES];
