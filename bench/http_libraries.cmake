# http-libraries (bench/http_libraries.cpp): the same tiny server on libmicrohttpd, civetweb
# and cpp-httplib, the measurement behind lupe-serve's choice of HTTP library. Built only
# when all three are installed (libmicrohttpd-dev, libcivetweb-dev, libcpp-httplib-dev).
find_package(PkgConfig)
find_package(Threads)
if(PkgConfig_FOUND)
  pkg_check_modules(MHD_PC IMPORTED_TARGET libmicrohttpd)
  pkg_check_modules(HTTPLIB_PC IMPORTED_TARGET cpp-httplib)
endif()
find_path(CIVETWEB_INCLUDE_DIR civetweb.h)
find_library(CIVETWEB_LIBRARY civetweb)
if(MHD_PC_FOUND AND CIVETWEB_INCLUDE_DIR AND CIVETWEB_LIBRARY AND HTTPLIB_PC_FOUND)
  add_executable(http-libraries http_libraries.cpp)
  target_compile_features(http-libraries PRIVATE cxx_std_20)
  # Debian builds cpp-httplib as a shared library (its header declares, the .so defines),
  # with the TLS and compression switches in its pkg-config flags.
  target_include_directories(http-libraries SYSTEM PRIVATE ${CIVETWEB_INCLUDE_DIR})
  target_link_libraries(http-libraries PRIVATE PkgConfig::MHD_PC PkgConfig::HTTPLIB_PC
                        ${CIVETWEB_LIBRARY} Threads::Threads)
  set_target_properties(http-libraries PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
endif()
