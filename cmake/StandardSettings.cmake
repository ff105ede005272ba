# Shared compile settings for every docket target: link `docket_settings` privately.
add_library(docket_settings INTERFACE)
target_compile_options(docket_settings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
if(DOCKET_WERROR)
  target_compile_options(docket_settings INTERFACE -Werror)
endif()
# Fuzzing (fuzz/, docs/fuzzing.md) needs clang's libFuzzer and always runs under the sanitizers.
if(DOCKET_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR
      "DOCKET_FUZZ=ON needs clang (libFuzzer is part of clang), but this build folder uses "
      "${CMAKE_CXX_COMPILER_ID} (${CMAKE_CXX_COMPILER}). Configure a new build folder with "
      "CC=clang CXX=clang++ (Debian: apt-get install clang-14 libclang-rt-14-dev), or run scripts/fuzz.sh.")
  endif()
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS -fsanitize=fuzzer)
  check_cxx_source_compiles(
    "#include <cstddef>\n#include <cstdint>\nextern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }"
    DOCKET_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_FLAGS)
  if(NOT DOCKET_HAVE_LIBFUZZER)
    message(FATAL_ERROR "clang cannot link -fsanitize=fuzzer: install libFuzzer (Debian: apt-get install libclang-rt-14-dev)")
  endif()
  if(NOT DOCKET_FUZZ_SECONDS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "DOCKET_FUZZ_SECONDS must be a whole number of seconds, not '${DOCKET_FUZZ_SECONDS}'")
  endif()
endif()
if(DOCKET_SANITIZE OR DOCKET_FUZZ)
  target_compile_options(docket_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(docket_settings INTERFACE -fsanitize=address,undefined)
endif()
if(DOCKET_FUZZ)
  # Coverage instrumentation for every docket library; only the fuzz targets link libFuzzer.
  target_compile_options(docket_settings INTERFACE -fsanitize=fuzzer-no-link)
endif()

# docket_layer(NAME SOURCES... [DEPS ...]) defines one layer library with its public include dir.
function(docket_layer name)
  cmake_parse_arguments(L "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${L_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${L_PUBLIC_DEPS} PRIVATE docket_settings ${L_PRIVATE_DEPS})
endfunction()
