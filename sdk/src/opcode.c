// SPDX-License-Identifier: MIT
/* Names of io_uring opcodes for reports of raw SQE stages (liburing 2.3 has none). */
#include <stdio.h>
#include <liburing.h>
#include <ringflow/uapi.h>
#include "opcode.h"

static const char *const names[] = {
	[IORING_OP_NOP] = "nop",
	[IORING_OP_READV] = "readv",
	[IORING_OP_WRITEV] = "writev",
	[IORING_OP_FSYNC] = "fsync",
	[IORING_OP_READ_FIXED] = "read_fixed",
	[IORING_OP_WRITE_FIXED] = "write_fixed",
	[IORING_OP_POLL_ADD] = "poll_add",
	[IORING_OP_POLL_REMOVE] = "poll_remove",
	[IORING_OP_SYNC_FILE_RANGE] = "sync_file_range",
	[IORING_OP_SENDMSG] = "sendmsg",
	[IORING_OP_RECVMSG] = "recvmsg",
	[IORING_OP_TIMEOUT] = "timeout",
	[IORING_OP_TIMEOUT_REMOVE] = "timeout_remove",
	[IORING_OP_ACCEPT] = "accept",
	[IORING_OP_ASYNC_CANCEL] = "async_cancel",
	[IORING_OP_LINK_TIMEOUT] = "link_timeout",
	[IORING_OP_CONNECT] = "connect",
	[IORING_OP_FALLOCATE] = "fallocate",
	[IORING_OP_OPENAT] = "openat",
	[IORING_OP_CLOSE] = "close",
	[IORING_OP_FILES_UPDATE] = "files_update",
	[IORING_OP_STATX] = "statx",
	[IORING_OP_READ] = "read",
	[IORING_OP_WRITE] = "write",
	[IORING_OP_FADVISE] = "fadvise",
	[IORING_OP_MADVISE] = "madvise",
	[IORING_OP_SEND] = "send",
	[IORING_OP_RECV] = "recv",
	[IORING_OP_OPENAT2] = "openat2",
	[IORING_OP_EPOLL_CTL] = "epoll_ctl",
	[IORING_OP_SPLICE] = "splice",
	[IORING_OP_PROVIDE_BUFFERS] = "provide_buffers",
	[IORING_OP_REMOVE_BUFFERS] = "remove_buffers",
	[IORING_OP_TEE] = "tee",
	[IORING_OP_SHUTDOWN] = "shutdown",
	[IORING_OP_RENAMEAT] = "renameat",
	[IORING_OP_UNLINKAT] = "unlinkat",
	[IORING_OP_MKDIRAT] = "mkdirat",
	[IORING_OP_SYMLINKAT] = "symlinkat",
	[IORING_OP_LINKAT] = "linkat",
	[IORING_OP_MSG_RING] = "msg_ring",
	[IORING_OP_FSETXATTR] = "fsetxattr",
	[IORING_OP_SETXATTR] = "setxattr",
	[IORING_OP_FGETXATTR] = "fgetxattr",
	[IORING_OP_GETXATTR] = "getxattr",
	[IORING_OP_SOCKET] = "socket",
	[IORING_OP_URING_CMD] = "uring_cmd",
	[IORING_OP_SEND_ZC] = "send_zc",
	[IORING_OP_SENDMSG_ZC] = "sendmsg_zc",
	[IORING_OP_BPF] = "bpf",
};

const char *rf_opcode_name(__u8 opcode)
{
	static _Thread_local char buf[16];

	if (opcode < sizeof(names) / sizeof(names[0]) && names[opcode])
		return names[opcode];
	snprintf(buf, sizeof(buf), "opcode %u", opcode);
	return buf;
}
