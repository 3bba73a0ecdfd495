#ifndef EXP_CPROCESS_H
#define EXP_CPROCESS_H

/// Asks the kernel to send `signal` to this process when its parent dies (Linux prctl
/// PR_SET_PDEATHSIG, which Swift cannot call directly: prctl is variadic). Returns 0 or -1.
int exp_set_parent_death_signal(int signal);

#include <stddef.h>

/// The current thread's stack: its lowest address and its size in bytes (glibc's
/// pthread_getattr_np, which needs _GNU_SOURCE and so is not visible from Swift). Returns 0 or -1.
int exp_thread_stack(void **low, size_t *size);

#endif
