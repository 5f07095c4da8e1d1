/* SPDX-License-Identifier: MIT */
/*
 * errno values for BPF programs. vmlinux.h has no macros; the kernel's UAPI errno
 * header (Debian: linux-libc-dev) has every one, as scx's programs use it.
 */
#ifndef RINGFLOW_ERRNO_BPF_H
#define RINGFLOW_ERRNO_BPF_H

#include <asm-generic/errno.h>

#endif /* RINGFLOW_ERRNO_BPF_H */
