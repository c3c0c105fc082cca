# RapidCheck properties run under Catch2; registered with CTest.
file(GLOB OTV_PROPERTY_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
if(OTV_PROPERTY_SOURCES)
  add_executable(property_tests ${OTV_PROPERTY_SOURCES})
  target_link_libraries(property_tests PRIVATE otv Catch2::Catch2 rapidcheck rapidcheck_catch)
  catch_discover_tests(property_tests TEST_PREFIX "property/" EXTRA_ARGS --warn NoTests PROPERTIES LABELS "property")
endif()
