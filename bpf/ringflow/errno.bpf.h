/* SPDX-License-Identifier: MIT */
/* errno values for BPF programs (vmlinux.h has no macros). */
#ifndef RINGFLOW_ERRNO_BPF_H
#define RINGFLOW_ERRNO_BPF_H

#define EPERM		1
#define ENOENT		2
#define EIO		5
#define E2BIG		7
#define EBADF		9
#define EAGAIN		11
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16
#define EXDEV		18
#define EINVAL		22
#define ENOSPC		28
#define ERANGE		34
#define ENODATA		61
#define ETIME		62
#define ENOLINK		67
#define EPROTO		71
#define EBADMSG		74
#define EOVERFLOW	75
#define EILSEQ		84
#define EOPNOTSUPP	95
#define ESTALE		116
#define ECANCELED	125

#endif /* RINGFLOW_ERRNO_BPF_H */
