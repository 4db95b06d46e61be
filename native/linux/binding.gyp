{
  "targets": [
    {
      "target_name": "berth_linux",
      "sources": ["addon.c", "seqpacket.c", "mount.c", "netns.c", "spawn.c", "layer-sink.c", "special.c", "lock.c", "dirent.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
