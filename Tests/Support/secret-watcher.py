#!/usr/bin/env python3
"""A user who polls folders for a secret, for pallet's node-safety tests (run unprivileged).

usage: secret-watcher.py LOG SECRET DIR...

Lists each DIR (and one level of subfolders, where pallet stages files) as fast as it can and
tries to read every entry without blocking; whenever SECRET's bytes are seen, writes
"read PATH" to LOG. Writes "ready" first and "polls N" when killed (SIGTERM).
"""
import os
import signal
import sys


def main() -> None:
    log_path, secret, dirs = sys.argv[1], sys.argv[2].encode(), sys.argv[3:]
    log = open(log_path, "a", buffering=1)
    polls = 0

    def stop(*_):
        log.write("polls %d\n" % polls)
        sys.exit(0)

    # A test process may start its children with SIGTERM blocked: unblock it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
    signal.signal(signal.SIGTERM, stop)
    log.write("ready\n")
    while True:
        polls += 1
        for folder in dirs:
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for name in names:
                path = os.path.join(folder, name)
                for candidate in [path] + inside(path):
                    try:
                        fd = os.open(candidate, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
                    except OSError:
                        continue
                    try:
                        if secret in os.read(fd, 1 << 16):
                            log.write("read %s\n" % candidate)
                    except OSError:
                        pass
                    finally:
                        os.close(fd)


def inside(path: str) -> list:
    try:
        return [os.path.join(path, name) for name in os.listdir(path)]
    except OSError:
        return []


if __name__ == "__main__":
    main()
