# FindCLD2: Compact Language Detector 2 (Debian's libcld2-dev) as the imported target
# CLD2::CLD2. CLD2 ships no CMake config and no pkg-config file, so header and library are
# searched for directly. Installed beside lupeConfig.cmake, so that a static liblupe's
# users find it on their own machine (see FindXapian.cmake for why a target and not a path).
#
# Sets CLD2_FOUND, CLD2_INCLUDE_DIR, CLD2_LIBRARY.

include(FindPackageHandleStandardArgs)

find_path(CLD2_INCLUDE_DIR NAMES cld2/public/compact_lang_det.h)
find_library(CLD2_LIBRARY NAMES cld2)

find_package_handle_standard_args(CLD2 REQUIRED_VARS CLD2_LIBRARY CLD2_INCLUDE_DIR)

if(CLD2_FOUND AND NOT TARGET CLD2::CLD2)
  add_library(CLD2::CLD2 UNKNOWN IMPORTED)
  set_target_properties(CLD2::CLD2 PROPERTIES
    IMPORTED_LOCATION "${CLD2_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CLD2_INCLUDE_DIR}")
endif()
mark_as_advanced(CLD2_INCLUDE_DIR CLD2_LIBRARY)
