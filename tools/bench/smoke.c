// SPDX-License-Identifier: MIT
/*
 * The benchmark in the VM suite, so it does not rot: a --quick --check run must
 * verify every variant, print its tables and count kernel entries exactly (it
 * checks rows whose system calls are known: 2 per block for pread + pwrite, ...).
 * Timings are not asserted: speed is the benchmark's to measure, not a test's.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static char out[65536];

/* Runs the benchmark with stdout and stderr into out; returns its wait status. */
static int run_bench(void)
{
	size_t len = 0;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		cpu_set_t one;

		/*
		 * The counting pass stops at every system call for its tracer: on one
		 * CPU each stop is a local switch, not an IPI to a vCPU thread the
		 * busy host may not be running (3x slower under load on 2 vCPUs).
		 */
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		(void)sched_setaffinity(0, sizeof(one), &one);	/* best effort */
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(BENCH, BENCH, "--quick", "--check", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (len < sizeof(out) - 1 && (n = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fds[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return status;
}

Test(bench, quick_check_run_verifies_every_variant, .timeout = 300)
{
	int status = run_bench();

	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "ringflow-bench failed:\n%s", out);
	cr_assert_not_null(strstr(out, "  variant  "), "no table header:\n%s", out);
	cr_assert_not_null(strstr(out, "BPF chains, 32 in flight"), "%s", out);
	cr_assert_not_null(strstr(out, "args by bpf_map_update_elem()"), "%s", out);
	cr_assert_not_null(strstr(out, "MODE wall"), "%s", out);
	cr_assert_not_null(strstr(out, "all variants verified"), "%s", out);
	cr_assert_not_null(strstr(out, "wrong checksum: yes, a wrong output byte: yes"), "%s", out);
	cr_assert_not_null(strstr(out, "pread + pwrite 2 per block: yes, IORING_OP_NOP 1 per batch: "
				  "yes, bpf_map_update_elem 1 per request + 1 per batch: yes"), "%s", out);
}
