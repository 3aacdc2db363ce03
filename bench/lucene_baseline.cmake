# lucene-baseline (bench/lucene_baseline.cpp): Lucene++ as an indexing and query-latency peer
# in bench/throughput.sh. Built only when Lucene++ and its contrib library (the Snowball
# analyzers) are installed: apt-get install liblucene++-dev.
find_package(PkgConfig)
if(PkgConfig_FOUND)
  pkg_check_modules(LUCENEPP_PC IMPORTED_TARGET liblucene++ liblucene++-contrib)
endif()
if(LUCENEPP_PC_FOUND)
  add_executable(lucene-baseline lucene_baseline.cpp)
  target_compile_features(lucene-baseline PRIVATE cxx_std_20)
  # Lucene++'s headers (and the Boost headers they include) are not warning-clean.
  target_include_directories(lucene-baseline SYSTEM PRIVATE ${LUCENEPP_PC_INCLUDE_DIRS})
  target_link_libraries(lucene-baseline PRIVATE PkgConfig::LUCENEPP_PC
                        nlohmann_json::nlohmann_json ZLIB::ZLIB)
  set_target_properties(lucene-baseline PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
endif()
