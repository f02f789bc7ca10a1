# Every warning on; warnings are errors unless WSE_WERROR=OFF (never in CI).
option(WSE_WERROR "Treat warnings as errors" ON)
# Sanitizers for the whole tree, e.g. -DWSE_SANITIZE=address,undefined or thread.
set(WSE_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list (empty = none)")

add_library(wse_warnings INTERFACE)
target_compile_options(wse_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wimplicit-fallthrough -Wformat=2 -Wcast-qual -Wmissing-declarations
  $<$<BOOL:${WSE_WERROR}>:-Werror>)

if(WSE_SANITIZE)
  add_compile_options(-fsanitize=${WSE_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${WSE_SANITIZE})
endif()
