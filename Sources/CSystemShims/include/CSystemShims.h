#ifndef PALLET_CSYSTEMSHIMS_H
#define PALLET_CSYSTEMSHIMS_H

/// Atomically exchanges two paths on the same file system (renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set on failure.
int pallet_rename_exchange(const char *from, const char *to);

#endif
