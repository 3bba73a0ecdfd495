#ifndef EXP_CPROCESS_H
#define EXP_CPROCESS_H

/// Asks the kernel to send `signal` to this process when its parent dies (Linux prctl
/// PR_SET_PDEATHSIG, which Swift cannot call directly: prctl is variadic). Returns 0 or -1.
int exp_set_parent_death_signal(int signal);

#endif
