{
  "targets": [
    {
      "target_name": "berth_linux",
      "sources": ["addon.c", "seqpacket.c", "mount.c", "netns.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
