# RapidCheck properties run under Catch2; registered with CTest.
file(GLOB OTV_PROPERTY_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
if(OTV_PROPERTY_SOURCES)
  add_executable(property_tests ${OTV_PROPERTY_SOURCES})
  target_link_libraries(property_tests PRIVATE otv otv_catch_main rapidcheck rapidcheck_catch)
  target_compile_options(property_tests PRIVATE ${OTV_CHECK_OPTIMIZATION})
  catch_discover_tests(property_tests TEST_PREFIX "property/" EXTRA_ARGS --warn NoTests PROPERTIES LABELS "property")
endif()
