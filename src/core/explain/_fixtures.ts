/** /proc/PID/mountinfo of a berth container (shortened paths, one volume added), for tests. */
export const CONTAINER_MOUNTINFO = `71 47 0:39 / / rw,relatime - overlay overlay rw,lowerdir=IUOBSF2YY6A7WDTHQTJ4FBUX37:ABCDEFGHIJKLMNOPQRSTUVWXYZ,upperdir=/var/lib/berth/containers/fc43/upper,workdir=/var/lib/berth/containers/fc43/work,uuid=on
72 71 0:42 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
73 71 0:43 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
74 71 0:44 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro
78 71 254:0 /var/lib/berth/containers/fc43/hosts /etc/hosts rw,relatime - ext4 /dev/vda rw,discard
85 81 0:32 /berth/fc43 /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory
90 71 254:0 /srv/my\\040data /data rw,relatime shared:1 master:2 - ext4 /dev/vda rw
51 72 0:42 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw
53 72 0:43 /null /proc/keys rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
`;
