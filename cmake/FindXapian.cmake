# FindXapian: Xapian (xapian-core) as the imported target Xapian::Xapian.
#
# Why a find module: Xapian 1.4's own CMake config (xapian-config.cmake) sets only the
# variables XAPIAN_INCLUDE_DIR and XAPIAN_LIBRARIES, absolute paths of the machine it runs
# on. A library that links those variables writes the paths into its exported targets, and
# an installed lupe then only works where libxapian sits at the same place. Linking the
# target instead records the name Xapian::Xapian, which this module (installed beside
# lupeConfig.cmake) defines again on the consumer's machine.
#
# Xapian's config is used when there is one (it knows a static libxapian's own
# dependencies); otherwise the header and library are searched for directly.
#
# Sets Xapian_FOUND, Xapian_VERSION, and, as Xapian's config does, XAPIAN_INCLUDE_DIR and
# XAPIAN_LIBRARIES (bench/ uses them).

include(FindPackageHandleStandardArgs)

# Lower-case name: finds xapian-config.cmake without re-entering this module.
find_package(xapian CONFIG QUIET)
if(xapian_FOUND)
  set(Xapian_VERSION "${xapian_VERSION}")
else()
  find_path(XAPIAN_INCLUDE_DIR NAMES xapian.h)
  find_library(XAPIAN_LIBRARY NAMES xapian)
  if(XAPIAN_LIBRARY)
    set(XAPIAN_LIBRARIES "${XAPIAN_LIBRARY}")
  endif()
  if(XAPIAN_INCLUDE_DIR AND EXISTS "${XAPIAN_INCLUDE_DIR}/xapian/version.h")
    file(STRINGS "${XAPIAN_INCLUDE_DIR}/xapian/version.h" _xapian_version_line
         REGEX "^#define XAPIAN_VERSION \"[^\"]*\"")
    string(REGEX REPLACE ".*\"([^\"]*)\".*" "\\1" Xapian_VERSION "${_xapian_version_line}")
    unset(_xapian_version_line)
  endif()
endif()

find_package_handle_standard_args(Xapian
  REQUIRED_VARS XAPIAN_LIBRARIES XAPIAN_INCLUDE_DIR
  VERSION_VAR Xapian_VERSION)

if(Xapian_FOUND AND NOT TARGET Xapian::Xapian)
  # INTERFACE rather than UNKNOWN: a static libxapian comes as a list (the archive and its
  # own dependencies), which one IMPORTED_LOCATION cannot hold.
  add_library(Xapian::Xapian INTERFACE IMPORTED)
  set_target_properties(Xapian::Xapian PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${XAPIAN_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${XAPIAN_LIBRARIES}")
endif()
