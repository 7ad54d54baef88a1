#ifndef AE_CLINUX_H
#define AE_CLINUX_H
// Swift's Glibc module does not expose epoll, eventfd, timerfd, signalfd or accept4.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/signalfd.h>
#include <sys/inotify.h>
#include <poll.h>
#include <sys/socket.h>
#include <signal.h>

/// accept4(2) needs _GNU_SOURCE, which is defined only in CLinux.c.
int ae_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
/// SOCK_NONBLOCK | SOCK_CLOEXEC, for accept4 and socket.
int ae_sock_nonblock_cloexec(void);
/// Bytes malloc has handed out and not had back (glibc's mallinfo2: uordblks + hblkhd).
unsigned long long ae_malloc_in_use(void);
#endif
