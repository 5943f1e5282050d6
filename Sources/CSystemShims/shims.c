#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "CSystemShims.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int pallet_rename_exchange(const char *from, const char *to) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE);
}

int pallet_memory_file(const char *name) {
    return (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC);
}
