# Shared compile settings for every docket target: link `docket_settings` privately.
add_library(docket_settings INTERFACE)
target_compile_options(docket_settings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
if(DOCKET_WERROR)
  target_compile_options(docket_settings INTERFACE -Werror)
endif()
if(DOCKET_SANITIZE)
  target_compile_options(docket_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(docket_settings INTERFACE -fsanitize=address,undefined)
endif()

# docket_layer(NAME SOURCES... [DEPS ...]) defines one layer library with its public include dir.
function(docket_layer name)
  cmake_parse_arguments(L "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${L_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${L_PUBLIC_DEPS} PRIVATE docket_settings ${L_PRIVATE_DEPS})
endfunction()
