cmake_minimum_required(VERSION 3.25)  # script mode: IN_LIST, cmake_path

# The layering check: the applications (apps/) are built on the engine's public API only.
#
#   cmake -DCXX=<compiler> -DSOURCE_DIR=<lupe source> -DBINARY_DIR=<lupe build>
#         -DROOT=<folder to check> [-DSYSTEM_DIRS=a|b] [-DAPP_TARGETS=t|u
#         -DINCLUDES_<t>=a|b -DLINKS_<t>=a|b ...] [-DEXPECT=<file> -> <include>|...]
#         -P check_layering.cmake
#
# Each .cpp under ROOT, and each .hpp that no .cpp includes, is preprocessed on its own
# (-E: which headers a file reaches is all the check looks at, and preprocessing finds it
# at a fifth of the CPU time of -fsyntax-only, 11 s instead of 59 s here) with only the
# public include path: the engine's include/ and the build's
# generated include/, apps/include/,
# and the system folders of the libraries the applications use (CLI11, nlohmann_json,
# doctest). A file that includes an engine-internal header then fails to preprocess; one that
# reaches it by a relative path ("../../format/schema.hpp") is found, so the headers the
# compiler opened (-H) are checked too: none may lie in the source or build tree outside
# include/, apps/ and the build's include/, and none may be Xapian's (the engine hides it).
# INCLUDES_<t> and LINKS_<t> hold the include folders and link items of the application
# targets APP_TARGETS (lupe_app, lupe-index, lupe-search): the source tree must not be on
# their include path, and they may not link the engine's internal targets.
#
# Every violation is reported as "<file> -> <include>" and the check fails. With EXPECT
# (the self-test), the check passes only if the violations are exactly those expected.

foreach(var CXX SOURCE_DIR BINARY_DIR ROOT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_layering.cmake: -D${var}=... is required")
  endif()
endforeach()

set(public_dirs "${SOURCE_DIR}/include" "${BINARY_DIR}/include")
if(EXISTS "${SOURCE_DIR}/apps/include")
  list(APPEND public_dirs "${SOURCE_DIR}/apps/include")
endif()
# Where the headers an application opens may lie inside lupe's trees (and apps/ itself).
set(allowed_prefixes ${public_dirs} "${SOURCE_DIR}/apps" "${ROOT}")
set(flags -std=c++20 -E -H)
foreach(dir IN LISTS public_dirs)
  list(APPEND flags "-I${dir}")
endforeach()
string(REPLACE "|" ";" system_dirs "${SYSTEM_DIRS}")
foreach(dir IN LISTS system_dirs)
  list(APPEND flags "-isystem" "${dir}")
endforeach()

set(violations "")

# Is `path` (absolute, normalized) inside lupe's source or build tree but outside the
# public folders? Sets ${out} to the path relative to the tree, or to "".
function(internal_path path out)
  set(${out} "" PARENT_SCOPE)
  foreach(prefix IN LISTS allowed_prefixes)
    cmake_path(IS_PREFIX prefix "${path}" NORMALIZE allowed)
    if(allowed)
      return()
    endif()
  endforeach()
  foreach(tree "${BINARY_DIR}" "${SOURCE_DIR}")
    cmake_path(IS_PREFIX tree "${path}" NORMALIZE inside)
    if(inside)
      cmake_path(RELATIVE_PATH path BASE_DIRECTORY "${tree}" OUTPUT_VARIABLE relative)
      set(${out} "${relative}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()

# Sources first, then the headers no source opened: a header a source includes is checked
# in that source's -H listing already (every header it opens is looked at), and compiling
# it again on its own would only cost time (CLI11 and nlohmann_json are parsed each time).
file(GLOB_RECURSE sources LIST_DIRECTORIES false "${ROOT}/*.cpp")
file(GLOB_RECURSE headers LIST_DIRECTORIES false "${ROOT}/*.hpp")
list(SORT sources)
list(SORT headers)
set(files ${sources} ${headers})
if(NOT files)
  message(FATAL_ERROR "check_layering.cmake: no .cpp or .hpp under ${ROOT}")
endif()
set(opened "")  # the headers the sources checked so far opened (absolute, normalised)
foreach(file IN LISTS files)
  if(file IN_LIST opened)
    continue()
  endif()
  cmake_path(RELATIVE_PATH file BASE_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE name)
  if(file MATCHES "\\.hpp$")
    set(language -x c++-header)
  else()
    set(language -x c++)
  endif()
  execute_process(COMMAND "${CXX}" ${flags} ${language} "${file}"
                  RESULT_VARIABLE status ERROR_VARIABLE output OUTPUT_QUIET)
  string(REPLACE "\n" ";" lines "${output}")
  set(reported OFF)
  set(skip_below 0)  # inside an internal header already reported: what it includes is its own
  foreach(line IN LISTS lines)
    # An include the public path cannot find: gcc and clang name it in their error.
    if(line MATCHES "fatal error: '?([^':]+)'?(: No such file or directory| file not found)")
      list(APPEND violations "${name} -> ${CMAKE_MATCH_1}")
      set(reported ON)
    # A header the compiler opened (-H): ". path", one dot per level of inclusion.
    elseif(line MATCHES "^(\\.+) (.+)$")
      string(LENGTH "${CMAKE_MATCH_1}" depth)
      set(header "${CMAKE_MATCH_2}")
      if(skip_below GREATER 0 AND depth GREATER skip_below)
        continue()
      endif()
      set(skip_below 0)
      cmake_path(ABSOLUTE_PATH header BASE_DIRECTORY "${SOURCE_DIR}" NORMALIZE)
      list(APPEND opened "${header}")
      internal_path("${header}" relative)
      if(relative)
        list(APPEND violations "${name} -> ${relative}")
        set(reported ON)
        set(skip_below ${depth})
      elseif(header MATCHES "/xapian(\\.h|/[^/]+\\.h)$")
        cmake_path(GET header FILENAME xapian_header)
        list(APPEND violations "${name} -> Xapian's ${xapian_header}")
        set(reported ON)
        set(skip_below ${depth})
      endif()
    endif()
  endforeach()
  if(NOT status EQUAL 0 AND NOT reported)
    # Not a layering matter (a syntax error, a missing system library): show it whole.
    list(APPEND violations "${name} -> does not compile: ${output}")
  endif()
endforeach()

# The application targets' include folders and link items, as CMake resolved them.
string(REPLACE "|" ";" app_targets "${APP_TARGETS}")
foreach(target IN LISTS app_targets)
  string(REPLACE "|" ";" dirs "${INCLUDES_${target}}")
  foreach(dir IN LISTS dirs)
    cmake_path(NORMAL_PATH dir)
    string(REGEX REPLACE "(.)/$" "\\1" dir "${dir}")
    internal_path("${dir}" relative)
    if(dir STREQUAL SOURCE_DIR OR relative)
      list(APPEND violations "target ${target} -> include folder ${dir}")
    endif()
  endforeach()
  string(REPLACE "|" ";" items "${LINKS_${target}}")
  foreach(item IN LISTS items)
    if(item MATCHES "^(lupe_objects|lupe_testing)$")
      list(APPEND violations "target ${target} -> links ${item}")
    endif()
  endforeach()
endforeach()

list(REMOVE_DUPLICATES violations)
if(DEFINED EXPECT)
  string(REPLACE "|" ";" expected "${EXPECT}")
  list(SORT expected)
  list(SORT violations)
  if(NOT violations STREQUAL expected)
    string(REPLACE ";" "\n  " expected_text "${expected}")
    string(REPLACE ";" "\n  " found_text "${violations}")
    message(FATAL_ERROR "layering self-test: expected\n  ${expected_text}\nreported\n  ${found_text}")
  endif()
  string(REPLACE ";" "\n  " found_text "${violations}")
  message(STATUS "layering self-test: the check reports what it must:\n  ${found_text}")
elseif(violations)
  string(REPLACE ";" "\n  " text "${violations}")
  message(FATAL_ERROR "layering: the applications reach past the engine's public API "
                      "(file -> what it includes):\n  ${text}")
else()
  list(LENGTH files count)
  message(STATUS "layering: ${count} files under ${ROOT} compile on the public API alone")
endif()
