# ringflow_bpf_skeleton(TARGET <name> SOURCE <file.bpf.c> [INCLUDE_DIRS <dir>...])
#
# Compiles a BPF program with clang -target bpf -Wall -Werror against the ringflow
# kernel's vmlinux.h and generates its libbpf skeleton (<file>.skel.h, struct <file>)
# with bpftool. <name> becomes an INTERFACE library: link it to get the skeleton
# header on the include path and libbpf linked; the build step generating it is
# <name>_generate. INCLUDE_DIRS are searched by the BPF compile (after the SDK's
# own), e.g. for a header of types shared with your userspace code; the
# source's own directory needs none for "quoted" includes. Needs
# RINGFLOW_BPF_CLANG, RINGFLOW_BPFTOOL, RINGFLOW_VMLINUX_H_DIR and
# RINGFLOW_BPF_INCLUDE_DIRS (set by the ringflow build, or by find_package(ringflow)).
function(ringflow_bpf_skeleton)
  cmake_parse_arguments(ARG "" "TARGET;SOURCE" "INCLUDE_DIRS" ${ARGN})
  if(NOT ARG_TARGET OR NOT ARG_SOURCE)
    message(FATAL_ERROR "ringflow_bpf_skeleton: TARGET and SOURCE are required")
  endif()
  foreach(var RINGFLOW_BPF_CLANG RINGFLOW_BPFTOOL RINGFLOW_VMLINUX_H_DIR)
    if(NOT ${var})
      message(FATAL_ERROR "ringflow_bpf_skeleton: ${var} is not set (use find_package(ringflow))")
    endif()
  endforeach()
  if(NOT EXISTS "${RINGFLOW_VMLINUX_H_DIR}/vmlinux.h")
    message(FATAL_ERROR "ringflow_bpf_skeleton: no vmlinux.h in ${RINGFLOW_VMLINUX_H_DIR}: "
                        "build the ringflow kernel first (kernel-patches/build-kernel)")
  endif()
  ringflow_bpf_supported(_rf_supported)
  if(NOT _rf_supported)
    message(FATAL_ERROR "ringflow_bpf_skeleton: ${RINGFLOW_VMLINUX_H_DIR}/vmlinux.h has no "
                        "struct io_uring_bpf_req_ops: it was not generated from the ringflow "
                        "kernel (kernel lacks IORING_OP_BPF?); regenerate it from the "
                        "ringflow kernel's BTF")
  endif()

  get_filename_component(src "${ARG_SOURCE}" ABSOLUTE)
  get_filename_component(file "${src}" NAME)
  string(REGEX REPLACE "\\.bpf\\.c$|\\.c$" "" stem "${file}")
  string(MAKE_C_IDENTIFIER "${stem}" skel_name)
  set(outdir "${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}.bpf")
  set(obj "${outdir}/${stem}.bpf.o")
  set(skel "${outdir}/${stem}.skel.h")

  set(includes "-I${RINGFLOW_VMLINUX_H_DIR}")
  foreach(dir ${RINGFLOW_BPF_INCLUDE_DIRS} ${ARG_INCLUDE_DIRS})
    list(APPEND includes "-I${dir}")
  endforeach()

  file(MAKE_DIRECTORY "${outdir}")
  add_custom_command(OUTPUT "${obj}"
    COMMAND "${RINGFLOW_BPF_CLANG}" -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86
            -Wall -Werror ${includes} -MD -MF "${obj}.d" -c "${src}" -o "${obj}"
    DEPENDS "${src}" "${RINGFLOW_VMLINUX_H_DIR}/vmlinux.h"
    DEPFILE "${obj}.d"
    COMMENT "BPF ${file}"
    VERBATIM)
  add_custom_command(OUTPUT "${skel}"
    COMMAND "${RINGFLOW_BPFTOOL}" gen skeleton "${obj}" name "${skel_name}" > "${skel}"
    DEPENDS "${obj}"
    COMMENT "skeleton ${stem}.skel.h"
    VERBATIM)
  add_custom_target(${ARG_TARGET}_generate DEPENDS "${skel}")

  add_library(${ARG_TARGET} INTERFACE)
  add_dependencies(${ARG_TARGET} ${ARG_TARGET}_generate)
  # SYSTEM: generated code, not ours to lint or warn about
  target_include_directories(${ARG_TARGET} SYSTEM INTERFACE "${outdir}")
  if(TARGET ringflow::libbpf)
    target_link_libraries(${ARG_TARGET} INTERFACE ringflow::libbpf)
  endif()
endfunction()

# ringflow_bpf_supported(<var>): sets <var> to TRUE when RINGFLOW_VMLINUX_H_DIR's
# vmlinux.h describes the IORING_OP_BPF types (struct io_uring_bpf_req_ops), i.e. when
# ringflow_bpf_skeleton() can build ops. Checked once per vmlinux.h.
function(ringflow_bpf_supported var)
  set(header "${RINGFLOW_VMLINUX_H_DIR}/vmlinux.h")
  string(MD5 key "${header}")
  get_property(known GLOBAL PROPERTY RINGFLOW_BPF_SUPPORTED_${key} SET)
  if(NOT known)
    set(found FALSE)
    if(EXISTS "${header}")
      file(STRINGS "${header}" hits REGEX "^struct io_uring_bpf_req_ops {" LIMIT_COUNT 1)
      if(hits)
        set(found TRUE)
      endif()
    endif()
    set_property(GLOBAL PROPERTY RINGFLOW_BPF_SUPPORTED_${key} ${found})
  endif()
  get_property(found GLOBAL PROPERTY RINGFLOW_BPF_SUPPORTED_${key})
  set(${var} ${found} PARENT_SCOPE)
endfunction()
