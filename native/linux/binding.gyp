{
  "targets": [
    {
      "target_name": "berth_linux",
      "sources": ["addon.c", "seqpacket.c", "mount.c", "netns.c", "spawn.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
