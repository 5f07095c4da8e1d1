// SPDX-License-Identifier: MIT
/* tools/vm-run: exit codes, output streams, the shared directory, kernel reports. */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The runner's own exit codes (tools/vm-run). */
enum { EXIT_SETUP = 250, EXIT_TIMEOUT = 251, EXIT_PANIC = 252, EXIT_SPLAT = 253 };

struct run {
	int status;
	char out[8192];
	char err[65536];
};

static void slurp(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

static int tmpfd(void)
{
	char path[] = "/tmp/vm-run-test.XXXXXX";
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	unlink(path);
	return fd;
}

/*
 * Run "tools/vm-run --kernel KERNEL_DIR ARGS..." in directory cwd and capture its
 * exit code, stdout and stderr. ARGS ends with "--", the command, and NULL.
 * RINGFLOW_VM_RUN_DEBUG=1 in the environment runs "tools/vm-run --debug ARGS..."
 * instead: the same tests on the debug kernel (tools/run-tests does).
 */
static void vm_run_in(struct run *r, const char *cwd, const char *const args[])
{
	const char *argv[32] = { VM_RUN, "--kernel", KERNEL_DIR };
	int out = tmpfd(), err = tmpfd(), status, n = 3;
	const char *debug = getenv("RINGFLOW_VM_RUN_DEBUG");
	pid_t pid;

	if (debug && !strcmp(debug, "1")) {
		argv[1] = "--debug";
		n = 2;
	}

	while (*args)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		if (cwd && chdir(cwd))
			_exit(126);
		execv(VM_RUN, (char *const *)argv);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "vm-run did not exit normally");
	r->status = WEXITSTATUS(status);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

/*
 * vm-run -- sh -c SCRIPT. The time limits here (600 s a guest, 900 s a lockup test)
 * only end a run that went wrong: these guests take 10-60 s, more on the debug
 * kernel, and a loaded host may be several times slower.
 */
static void vm_sh(struct run *r, const char *script)
{
	const char *args[] = { "--timeout", "600", "--", "sh", "-c", script, NULL };

	vm_run_in(r, NULL, args);
}

Test(vm_run, passes_the_exit_code_through)
{
	struct run r;

	vm_sh(&r, "exit 7");	/* 0 passes in every other test */
	cr_assert_eq(r.status, 7, "stderr: %s", r.err);
}

Test(vm_run, streams_stdout_and_stderr_separately)
{
	struct run r;

	vm_sh(&r, "echo to-stdout; echo to-stderr >&2; printf 'a\\nb\\n'");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert_str_eq(r.out, "to-stdout\na\nb\n");
	cr_assert(strstr(r.err, "to-stderr\n"), "stderr: %s", r.err);
	cr_assert_null(strstr(r.out, "to-stderr"));
}

/* The default guest: the ringflow kernel, its BTF, 2 CPUs. */
Test(vm_run, boots_the_ringflow_kernel_with_btf)
{
	regex_t re;
	struct run r;

	vm_sh(&r, "uname -r; test -r /sys/kernel/btf/vmlinux && echo btf; nproc");
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert_eq(regcomp(&re, "^6\\.12\\.[0-9]+-ringflow\nbtf\n2\n$", REG_EXTENDED), 0);
	cr_assert_eq(regexec(&re, r.out, 0, NULL, 0), 0, "stdout: %s", r.out);
	regfree(&re);
}

Test(vm_run, keeps_the_working_directory_and_shares_a_writable_directory)
{
	char dir[] = "/tmp/vm-run-share.XXXXXX", path[256], got[64] = "";
	struct run r;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	{
		const char *args[] = { "--share", dir, "--", "sh", "-c",
				       "pwd > \"$RINGFLOW_SHARE/where\"", NULL };

		vm_run_in(&r, "/usr/share", args);
	}
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	snprintf(path, sizeof(path), "%s/where", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f, "the guest's file did not reach the host");
	cr_assert_not_null(fgets(got, sizeof(got), f));
	fclose(f);
	cr_assert_str_eq(got, "/usr/share\n");
}

Test(vm_run, fails_with_its_own_code_on_timeout)
{
	const char *args[] = { "--timeout", "20", "--", "sleep", "1000", NULL };
	struct run r;

	vm_run_in(&r, NULL, args);
	cr_assert_eq(r.status, EXIT_TIMEOUT, "stderr: %s", r.err);
	cr_assert(strstr(r.err, "timed out"), "stderr: %s", r.err);
}

/* lkdtm: writing a crash type's name here provokes it */
#define LKDTM "/sys/kernel/debug/provoke-crash/DIRECT"

Test(vm_run, fails_on_a_kernel_warning_and_prints_it)
{
	struct run r;

	vm_sh(&r, "echo WARNING > " LKDTM "; exit 0");
	cr_assert_eq(r.status, EXIT_SPLAT, "stderr: %s", r.err);
	cr_assert(strstr(r.err, "WARNING:"), "the report is not printed: %s", r.err);
	cr_assert(strstr(r.err, "lkdtm"), "stderr: %s", r.err);
	cr_assert(strstr(r.err, "the command exited 0"), "stderr: %s", r.err);
}

Test(vm_run, fails_on_a_kernel_panic)
{
	struct run r;

	vm_sh(&r, "echo PANIC > " LKDTM "; exit 0");
	cr_assert_eq(r.status, EXIT_PANIC, "stderr: %s", r.err);
	cr_assert(strstr(r.err, "Kernel panic"), "stderr: %s", r.err);
}

Test(vm_run, brings_up_the_cpus_asked_for)
{
	const char *three[] = { "--cpus", "3", "--", "nproc", NULL };
	const char *fewer[] = { "--cpus", "2", "--append", "maxcpus=1", "--", "true", NULL };
	struct run r;

	/* 2, the default: boots_the_ringflow_kernel_with_btf */
	vm_run_in(&r, NULL, three);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_assert_str_eq(r.out, "3\n");
	/* a guest that brings up fewer CPUs than asked does not run the command */
	vm_run_in(&r, NULL, fewer);
	cr_assert_eq(r.status, EXIT_SETUP, "stderr: %s", r.err);
	cr_assert(strstr(r.err, "brought up 1 CPU(s), not the 2 asked for"), "stderr: %s", r.err);
}

/*
 * Lockups, stalls and hung tasks, provoked with lkdtm under short thresholds: the
 * runner stops the guest at the report (the command never finishes by itself)
 * and fails with 253, well before its timeout.
 */
static void provoke(struct run *r, const char *append, const char *script)
{
	const char *args[] = { "--timeout", "600", "--append", append, "--", "sh", "-c", script,
			       NULL };

	vm_run_in(r, NULL, args);
}

Test(vm_run, stops_at_a_soft_lockup, .timeout = 900)
{
	struct run r;

	provoke(&r, "watchdog_thresh=3", "echo SOFTLOCKUP > " LKDTM);
	cr_assert_eq(r.status, EXIT_SPLAT, "stderr: %s", r.err);
	cr_assert(strstr(r.err, "soft lockup - CPU#"), "stderr: %s", r.err);
}

Test(vm_run, stops_at_an_rcu_stall, .timeout = 900)
{
	struct run r;

	/*
	 * A stall is only seen while a grace period waits: an idle guest may start
	 * none. Exiting processes on CPU 1 queue RCU callbacks (task and pid frees)
	 * while CPU 0 spins with preemption off.
	 */
	provoke(&r, "rcupdate.rcu_cpu_stall_timeout=4",
		"taskset -c 1 sh -c 'while :; do /bin/true; done' & "
		"taskset -c 0 sh -c 'echo SOFTLOCKUP > " LKDTM "'");
	cr_assert_eq(r.status, EXIT_SPLAT, "stderr: %s", r.err);
	cr_assert(strstr(r.err, "rcu: INFO: "), "stderr: %s", r.err);
	cr_assert(strstr(r.err, "detected stall"), "stderr: %s", r.err);
}

Test(vm_run, stops_at_a_hung_task, .timeout = 900)
{
	struct run r;

	provoke(&r, "sysctl.kernel.hung_task_timeout_secs=4", "echo HUNG_TASK > " LKDTM);
	cr_assert_eq(r.status, EXIT_SPLAT, "stderr: %s", r.err);
	cr_assert(strstr(r.err, "blocked for more than"), "stderr: %s", r.err);
}

Test(vm_run, refuses_bad_usage_and_a_missing_kernel)
{
	const char *bad_option[] = { "--no-such-option", "--", "true", NULL };
	const char *no_command[] = { "--", NULL };
	struct run r;

	vm_run_in(&r, NULL, bad_option);
	cr_assert_eq(r.status, EXIT_SETUP);
	vm_run_in(&r, NULL, no_command);
	cr_assert_eq(r.status, EXIT_SETUP);
	{
		const char *args[] = { "--kernel", "/nonexistent/bzImage", "--", "true", NULL };

		vm_run_in(&r, NULL, args); /* the later --kernel wins */
		cr_assert_eq(r.status, EXIT_SETUP);
		cr_assert(strstr(r.err, "no kernel image"), "stderr: %s", r.err);
	}
}
