# Shared by ringflow's shell tools: cache location, source version, messages.
# shellcheck shell=bash

RINGFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RINGFLOW_CACHE=${RINGFLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ringflow}
LINUX_SOURCE_PKG=linux-source-6.12
LINUX_SOURCE_TARBALL=/usr/src/$LINUX_SOURCE_PKG.tar.xz

die() {
	echo "${0##*/}: error: $*" >&2
	exit 1
}

info() {
	echo "${0##*/}: $*" >&2
}

# Debian version of the kernel source package, e.g. 6.12.117-1~deb12u1.
linux_source_version() {
	dpkg-query -W -f='${Version}' "$LINUX_SOURCE_PKG" 2>/dev/null ||
		die "$LINUX_SOURCE_PKG is not installed: run tools/install-deps"
}

# Unpack the kernel source once per package version; print its directory.
linux_source_tree() {
	local ver dir
	ver=$(linux_source_version)
	dir=$RINGFLOW_CACHE/src/$ver/linux
	if [ ! -f "$dir/.ringflow-unpacked" ]; then
		[ -f "$LINUX_SOURCE_TARBALL" ] || die "$LINUX_SOURCE_TARBALL missing: run tools/install-deps"
		info "unpacking $LINUX_SOURCE_PKG $ver (about a minute, once)"
		rm -rf "$dir" && mkdir -p "$dir"
		tar -xJf "$LINUX_SOURCE_TARBALL" -C "$dir" --strip-components=1
		touch "$dir/.ringflow-unpacked"
	fi
	echo "$dir"
}

# Run "$@" with its output in LOG, printing a progress line every 30 s.
run_with_progress() {
	local what=$1 log=$2 start last pid rc
	shift 2
	start=$SECONDS last=$SECONDS
	"$@" >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5 & wait $! 2>/dev/null
		if ((SECONDS - last >= 30)); then
			last=$SECONDS
			info "$what: $((SECONDS - start))s, $(grep -c -E '^\s+(CC|LD|AR|BTF|AS)' "$log") steps, last: $(tail -n 1 "$log" | cut -c1-70)"
		fi
	done
	wait "$pid" && rc=0 || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 40 "$log" >&2
		die "$what failed (exit $rc); full log: $log"
	fi
	info "$what: done in $((SECONDS - start))s"
}
