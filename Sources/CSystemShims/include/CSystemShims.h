#ifndef PALLET_CSYSTEMSHIMS_H
#define PALLET_CSYSTEMSHIMS_H

/// Atomically exchanges two paths on the same file system (renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set on failure.
int pallet_rename_exchange(const char *from, const char *to);

/// Creates an anonymous file that lives only in memory (memfd_create with MFD_CLOEXEC), for data
/// that must reach a child process's standard input without ever touching a disk.
/// Returns the descriptor, or -1 with errno set.
int pallet_memory_file(const char *name);

#endif
