// SPDX-License-Identifier: MIT
/*
 * tools/lib/vm-suite: a test that times out, fails, panics the guest or wedges it
 * does not keep the tests after it from running, and each gets its own verdict.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define LKDTM "/sys/kernel/debug/provoke-crash/DIRECT"

static char dir[] = "/tmp/vm-suite-test.XXXXXX";

/* A test "binary": a shell script in dir, listed with its time limit. */
static void add_test(FILE *list, const char *name, int limit, const char *body)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	cr_assert_eq(chmod(path, 0755), 0);
	fprintf(list, "%s=%d=%s\n", name, limit, path);
}

/* vm-suite result RESULTS NAME: its exit code; its output into out. */
static int result(const char *name, char *out, size_t size)
{
	char cmd[512];
	size_t len;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s result %s/results %s 2>&1", VM_SUITE, dir, name);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	len = fread(out, 1, size - 1, p);
	out[len] = '\0';
	return WEXITSTATUS(pclose(p));
}

Test(vm_suite, goes_on_past_timeouts_failures_panics_and_a_stuck_guest, .timeout = 900)
{
	char path[128], cmd[512], out[4096];
	int status;
	FILE *list;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/list", dir);
	list = fopen(path, "w");
	cr_assert_not_null(list);
	add_test(list, "first", 60, "echo first ran");
	add_test(list, "slow", 2, "sleep 1000");
	add_test(list, "fails", 60, "exit 3");
	add_test(list, "panics", 60, "echo PANIC > " LKDTM);
	/*
	 * Both CPUs spin in the kernel with preemption off: nothing in the guest
	 * runs any more, its own timeout included; only the host's watchdog ends it.
	 */
	add_test(list, "wedged", 2,
		 "taskset -c 1 sh -c 'echo SOFTLOCKUP > " LKDTM "' &\n"
		 "taskset -c 0 sh -c 'echo SOFTLOCKUP > " LKDTM "'");
	add_test(list, "last", 60, "echo last ran");
	fclose(list);

	/* a short grace before the watchdog stops a guest whose test outlived its limit */
	snprintf(cmd, sizeof(cmd),
		 "RINGFLOW_VM_SUITE_GRACE=10 %s boot %s/results %s --kernel %s >%s/out 2>&1",
		 VM_SUITE, dir, path, KERNEL_DIR, dir);
	status = system(cmd);
	cr_assert(WIFEXITED(status));
	/* the last VM run that failed: vm-run's 130, stopped by the watchdog */
	cr_assert_eq(WEXITSTATUS(status), 130, "vm-suite exited %d", WEXITSTATUS(status));

	cr_assert_eq(result("first", out, sizeof(out)), 0, "%s", out);
	cr_assert_str_eq(out, "first ran\n");
	cr_assert_eq(result("slow", out, sizeof(out)), 124, "%s", out);
	cr_assert_not_null(strstr(out, "vm-suite: slow TIMED OUT after"), "%s", out);
	cr_assert_eq(result("fails", out, sizeof(out)), 3, "%s", out);
	cr_assert_eq(result("panics", out, sizeof(out)), 252, "vm-run's panic code: %s", out);
	cr_assert_not_null(strstr(out, "panics was running when the VM run failed (exit 252"),
			   "%s", out);
	cr_assert_eq(result("wedged", out, sizeof(out)), 130, "%s", out);
	cr_assert_eq(result("last", out, sizeof(out)), 0, "%s", out);
	cr_assert_str_eq(out, "last ran\n", "the test after a panic and a stuck guest ran");

	/* three boots: the panic and the stuck guest each ended one */
	snprintf(path, sizeof(path), "%s/results/boot3/console.log", dir);
	cr_assert_eq(access(path, R_OK), 0, "no third boot");
	snprintf(cmd, sizeof(cmd), "grep -q 'the guest is stuck, stopping it' %s/out", dir);
	cr_assert_eq(system(cmd), 0, "the watchdog did not say why it stopped the guest");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}
