# html-parsers (bench/html_parsers.cpp): libxml2's HTML parser against gumbo on the same
# pages, the measurement behind the HTML reader's choice. Built only when gumbo is found.
find_package(PkgConfig)
if(PkgConfig_FOUND)
  pkg_check_modules(GUMBO IMPORTED_TARGET gumbo)
  pkg_check_modules(LIBXML2_PC IMPORTED_TARGET libxml-2.0)
endif()
if(GUMBO_FOUND AND LIBXML2_PC_FOUND)
  add_executable(html-parsers html_parsers.cpp)
  target_compile_features(html-parsers PRIVATE cxx_std_20)
  target_link_libraries(html-parsers PRIVATE PkgConfig::GUMBO PkgConfig::LIBXML2_PC
                        nlohmann_json::nlohmann_json ZLIB::ZLIB)
  set_target_properties(html-parsers PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
endif()
