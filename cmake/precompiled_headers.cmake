# Precompiled headers: the standard library and third-party headers (Boost.Asio, spdlog/fmt,
# GoogleTest) are parsed once per group of targets instead of once per source file. A clean build
# compiles about 400 files, and CI builds three times (GCC, ASan, TSan; the two sanitizer builds
# use clang, where this halves the CPU time of a file: see below).
#
# Only system headers go in: the project's own headers stay included file by file, so the layering
# the build enforces (src/CMakeLists.txt) is unchanged and editing a project header does not
# rebuild a precompiled header.
#
# A precompiled header is only valid for compiles with the same definitions and options. Targets
# are therefore grouped by what they compile with (their own definitions and options and those
# their links bring); the first target of a group compiles the header and the others reuse it
# (REUSE_FROM). The groups are found from the targets themselves when configuring, so a library or
# module added later needs no line here. A group whose options differ from its donor's would fail
# loudly (clang refuses the header, GCC's -Winvalid-pch is an error with -Werror), never silently.
#
# On by default for clang only. Measured file by file (the TSan build, -O1): clang with the
# precompiled header used half the CPU time, as it reads only the declarations a file uses. GCC 12
# maps its whole precompiled header (100-170 MB) into every compile, which cost about what the
# parsing saved, so GCC builds are not faster with it (.ci/run's line tables are what speed up
# CI's GCC build).
#
# Off by default with ccache (-DCMAKE_CXX_COMPILER_LAUNCHER=ccache): ccache does not cache a
# compile that uses a precompiled header unless told `sloppiness = pch_defines,time_macros`, and
# the header's file differs between build directories, so worktrees would stop sharing the cache.
# ccache already makes repeated builds fast; precompiled headers are for cold builds such as CI.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND NOT CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache")
  set(kontalk_pch_default ON)
else()
  set(kontalk_pch_default OFF)
endif()
option(KONTALK_PRECOMPILE_HEADERS
  "Precompile the standard and third-party headers (default: with clang, without ccache)"
  ${kontalk_pch_default})

# What each group precompiles: the headers the project includes most (a header in a group's
# precompiled header but unused by a file costs that file almost nothing).
set(KONTALK_PCH_STANDARD <algorithm> <array> <atomic> <charconv> <chrono> <cstddef> <cstdint>
  <deque> <filesystem> <fstream> <functional> <map> <memory> <mutex> <optional> <set> <span>
  <sstream> <stdexcept> <string> <string_view> <thread> <unordered_map> <utility> <variant>
  <vector>)
# Each further set goes in when a target's links give it the library (and its definitions).
set(KONTALK_PCH_BY_LINK
  "spdlog::spdlog=<spdlog/spdlog.h>"
  "fmt::fmt=<fmt/format.h>"
  # core/asio.hpp's headers, and the socket most files after it use.
  "kontalk_core=<boost/asio/awaitable.hpp>|<boost/asio/co_spawn.hpp>|<boost/asio/detached.hpp>|<boost/asio/io_context.hpp>|<boost/asio/post.hpp>|<boost/asio/redirect_error.hpp>|<boost/asio/steady_timer.hpp>|<boost/asio/this_coro.hpp>|<boost/asio/use_awaitable.hpp>|<boost/asio/ip/tcp.hpp>"
  "GTest::gtest=<gtest/gtest.h>"
  "GTest::gmock=<gmock/gmock.h>")
# A group smaller than this compiles its precompiled header for less than it saves.
set(KONTALK_PCH_MIN_SOURCES 4)

# The targets `target` links, directly or through others' interfaces (what its compile flags
# come from).
function(kontalk_link_closure target out)
  set(seen "")
  set(queue ${target})
  while(queue)
    list(POP_FRONT queue current)
    if(current IN_LIST seen OR NOT TARGET ${current})
      continue()
    endif()
    list(APPEND seen ${current})
    get_target_property(aliased ${current} ALIASED_TARGET)
    if(aliased)
      list(APPEND queue ${aliased})
    endif()
    set(links "")
    if(current STREQUAL target)
      get_target_property(links ${current} LINK_LIBRARIES)
    endif()
    get_target_property(interface_links ${current} INTERFACE_LINK_LIBRARIES)
    foreach(link IN LISTS links interface_links)
      # Generator expressions ($<LINK_ONLY:...> and the like) bring no compile flags here.
      if(link AND NOT link MATCHES "^\\$<|^::@|-NOTFOUND$")
        list(APPEND queue ${link})
      endif()
    endforeach()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# Every target defined under `dir`, recursively.
function(kontalk_targets_under dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir ${subdirs})
    kontalk_targets_under(${subdir} sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# Gives every compiled target of the project a precompiled header; called once all are defined.
function(kontalk_precompile_headers)
  if(NOT KONTALK_PRECOMPILE_HEADERS)
    return()
  endif()
  kontalk_targets_under(${CMAKE_SOURCE_DIR} targets)
  set(groups "")
  foreach(target ${targets})
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|OBJECT_LIBRARY|SHARED_LIBRARY|EXECUTABLE)$")
      continue()
    endif()
    get_target_property(sources ${target} SOURCES)
    list(FILTER sources INCLUDE REGEX "\\.cpp$")
    if(NOT sources)
      continue()
    endif()
    kontalk_link_closure(${target} closure)
    # The headers, and everything that a compile of them depends on, make the group's key.
    set(headers ${KONTALK_PCH_STANDARD})
    foreach(entry ${KONTALK_PCH_BY_LINK})
      string(REPLACE "=" ";" entry "${entry}")
      list(GET entry 0 library)
      list(GET entry 1 library_headers)
      if(library IN_LIST closure)
        string(REPLACE "|" ";" library_headers "${library_headers}")
        list(APPEND headers ${library_headers})
      endif()
    endforeach()
    set(flags "")
    foreach(linked ${closure})
      if(linked STREQUAL target)
        set(properties COMPILE_DEFINITIONS COMPILE_OPTIONS)
      else()
        set(properties INTERFACE_COMPILE_DEFINITIONS INTERFACE_COMPILE_OPTIONS)
      endif()
      foreach(property ${properties})
        get_target_property(value ${linked} ${property})
        if(value)
          list(APPEND flags ${value})
        endif()
      endforeach()
    endforeach()
    list(SORT flags)
    list(REMOVE_DUPLICATES flags)
    string(SHA1 key "${headers}|${flags}")
    if(NOT key IN_LIST groups)
      list(APPEND groups ${key})
      set(group_${key}_headers ${headers})
      set(group_${key}_targets "")
      set(group_${key}_sources 0)
    endif()
    list(APPEND group_${key}_targets ${target})
    list(LENGTH sources count)
    math(EXPR group_${key}_sources "${group_${key}_sources} + ${count}")
  endforeach()

  foreach(key ${groups})
    if(group_${key}_sources LESS KONTALK_PCH_MIN_SOURCES)
      continue()
    endif()
    set(donor "")
    foreach(target ${group_${key}_targets})
      if(NOT donor)
        set(donor ${target})
        target_precompile_headers(${donor} PRIVATE ${group_${key}_headers})
      else()
        target_precompile_headers(${target} REUSE_FROM ${donor})
      endif()
    endforeach()
  endforeach()
endfunction()
