#define _GNU_SOURCE
#include "CProcess.h"
#include <sys/prctl.h>
#include <pthread.h>

int exp_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0);
}

int exp_thread_stack(void **low, size_t *size) {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return -1;
    int r = pthread_attr_getstack(&attr, low, size);
    pthread_attr_destroy(&attr);
    return r == 0 ? 0 : -1;
}
