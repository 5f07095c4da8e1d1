/* SPDX-License-Identifier: MIT */
/*
 * ringflow: chained io_uring operations implemented in BPF. The userspace API.
 *
 * The canonical program: rf_probe() -> <skel>__open() -> configure, and
 * rf_object_open() / rf_object_share() for the objects whose ops share chain
 * records -> rf_load_skeleton() -> <skel>__attach() -> rf_ring_create() ->
 * rf_ring_bind() -> build chains (chain.h) -> rf_ring_drain() -> report ->
 * destroy everything in reverse order.
 */
#ifndef RINGFLOW_H
#define RINGFLOW_H

#include <ringflow/uapi.h>
#include <ringflow/layout.h>
#include <ringflow/builtin.h>
#include <ringflow/error.h>
#include <ringflow/probe.h>
#include <ringflow/load.h>
#include <ringflow/object.h>
#include <ringflow/ring.h>
#include <ringflow/chain.h>
#include <ringflow/sqe.h>
#include <ringflow/crc32c.h>

#define RINGFLOW_VERSION_MAJOR	0
#define RINGFLOW_VERSION_MINOR	1

#endif /* RINGFLOW_H */
