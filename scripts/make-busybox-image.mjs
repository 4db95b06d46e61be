// Make a busybox root filesystem tar from Debian's busybox-static, offline: `berth import` turns it into an image.
import { makeBusyboxTar } from '../dist/src/testkit/busybox-rootfs.js';
const out = process.argv[2] ?? 'busybox.tar';
makeBusyboxTar(out);
