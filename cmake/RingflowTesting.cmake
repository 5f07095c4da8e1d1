# Test registration. Host tests run directly; VM tests run inside the ringflow kernel,
# all of them in ONE VM boot per ctest run: the fixture test "vm/boot" runs every VM
# test binary in the guest and records each one's output and exit code, then one
# ctest test per binary reports its recorded result (tools/lib/vm-suite: each binary
# has a time limit scaled to the guest's measured speed; a test that times out or
# takes the guest down does not keep the others from running).

find_library(CRITERION_LIBRARY criterion REQUIRED)
set(RINGFLOW_VM_RESULTS "${CMAKE_BINARY_DIR}/vm-results")
set(RINGFLOW_VM_TEST_LIST "${CMAKE_BINARY_DIR}/vm-tests.list")
set_property(GLOBAL PROPERTY RINGFLOW_VM_TESTS "")

function(_ringflow_test_binary name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}/include")
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} ${CRITERION_LIBRARY})
endfunction()

# ringflow_host_test(NAME n SOURCES ... [LIBS ...]): a Criterion binary run on the host.
function(ringflow_host_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBS" ${ARGN})
  _ringflow_test_binary(${ARG_NAME} SOURCES ${ARG_SOURCES} LIBS ${ARG_LIBS})
  add_test(NAME host/${ARG_NAME} COMMAND ${ARG_NAME} --verbose)
endfunction()

# ringflow_vm_test(NAME n SOURCES ... [LIBS ...] [TIMEOUT s]): a Criterion binary run
# in the VM. TIMEOUT: its time limit on an idle host and the base kernel (default
# 180 s); keep it at 3 times what the binary takes there or more.
function(ringflow_vm_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 180)
  endif()
  _ringflow_test_binary(${ARG_NAME} SOURCES ${ARG_SOURCES} LIBS ${ARG_LIBS})
  set_property(GLOBAL APPEND PROPERTY RINGFLOW_VM_TESTS
               "${ARG_NAME}=${ARG_TIMEOUT}=$<TARGET_FILE:${ARG_NAME}>")
  add_test(NAME vm/${ARG_NAME}
           COMMAND "${PROJECT_SOURCE_DIR}/tools/lib/vm-suite" result "${RINGFLOW_VM_RESULTS}" ${ARG_NAME})
  set_tests_properties(vm/${ARG_NAME} PROPERTIES FIXTURES_REQUIRED vm_boot)
endfunction()

# Called once, after every test directory was added.
function(ringflow_finish_vm_tests)
  get_property(tests GLOBAL PROPERTY RINGFLOW_VM_TESTS)
  if(NOT tests)
    return()
  endif()
  list(JOIN tests "\n" content)
  file(GENERATE OUTPUT "${RINGFLOW_VM_TEST_LIST}" CONTENT "${content}\n")
  add_test(NAME vm/boot
           COMMAND "${PROJECT_SOURCE_DIR}/tools/lib/vm-suite" boot "${RINGFLOW_VM_RESULTS}"
                   "${RINGFLOW_VM_TEST_LIST}" --kernel "${RINGFLOW_KERNEL_DIR}")
  set_tests_properties(vm/boot PROPERTIES FIXTURES_SETUP vm_boot TIMEOUT 3600)
endfunction()
