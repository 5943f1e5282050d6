#ifndef PALLET_CSYSTEMSHIMS_H
#define PALLET_CSYSTEMSHIMS_H

/// Atomically exchanges two paths on the same file system (renameat2 with RENAME_EXCHANGE).
/// Returns 0 on success, -1 with errno set on failure.
int pallet_rename_exchange(const char *from, const char *to);

/// Creates an anonymous file that lives only in memory (memfd_create with MFD_CLOEXEC), for data
/// that must reach a child process's standard input without ever touching a disk.
/// Returns the descriptor, or -1 with errno set.
int pallet_memory_file(const char *name);

#include <stddef.h>
#include <stdint.h>

/// The 64 SHA-256 round constants K0..K63, shared by the hardware and the portable rounds.
const uint32_t *pallet_sha256_round_constants(void);

/// Whether this processor has the x86 SHA extensions (with SSSE3 and SSE4.1) that
/// pallet_sha256_blocks needs. Returns 1 or 0.
int pallet_sha256_hardware_available(void);

/// Runs the SHA-256 compression function over `blocks` consecutive 64-byte blocks at `data`,
/// updating the eight chaining words in `state` (H0..H7) in place, with the SHA extensions.
/// Call only when pallet_sha256_hardware_available() returned 1.
void pallet_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
