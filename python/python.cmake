# The Python module (python/): built when Debian's pybind11-dev is found, for the
# interpreter /usr/bin/python3 (where python3-numpy and python3-pytest live).
# build/python is importable (PYTHONPATH=build/python); cmake --install puts the
# package into the interpreter's site-packages under the install prefix.
set(PYBIND11_FINDPYTHON ON)
set(Python_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "the interpreter the otverify module is built for")
find_package(pybind11 CONFIG QUIET)
if(NOT pybind11_FOUND)
  message(STATUS "otverify Python module: off (no pybind11; Debian: apt-get install pybind11-dev python3-pybind11)")
  return()
endif()

set(OTV_PYTHON_DIR ${CMAKE_BINARY_DIR}/python/otverify)
# Links the study library, which holds the per-scalar instances: nothing is instantiated
# again here. A shared module can take the static library only as position-independent code.
set_target_properties(otv_study PROPERTIES POSITION_INDEPENDENT_CODE ON)
pybind11_add_module(otverify_python ${CMAKE_CURRENT_LIST_DIR}/otverify_core.cpp)
target_link_libraries(otverify_python PRIVATE otv_study)
set_target_properties(otverify_python PROPERTIES OUTPUT_NAME _core LIBRARY_OUTPUT_DIRECTORY ${OTV_PYTHON_DIR})
configure_file(${CMAKE_CURRENT_LIST_DIR}/otverify/__init__.py ${OTV_PYTHON_DIR}/__init__.py COPYONLY)

# Debian's default scheme (posix_local) puts packages under <prefix>/local for the
# prefix /usr; relative to the install prefix that is lib/python3.X/dist-packages.
execute_process(
  COMMAND ${Python_EXECUTABLE} -c [[
import os, sysconfig
base = sysconfig.get_config_var("platbase")
if sysconfig.get_default_scheme() == "posix_local":
    base = os.path.join(base, "local")
print(os.path.relpath(sysconfig.get_path("platlib"), base), end="")]]
  OUTPUT_VARIABLE OTV_PYTHON_SITE_DEFAULT COMMAND_ERROR_IS_FATAL ANY)
set(OTV_PYTHON_INSTALL_DIR ${OTV_PYTHON_SITE_DEFAULT} CACHE STRING "site-packages of the module, relative to the install prefix")
install(TARGETS otverify_python LIBRARY DESTINATION ${OTV_PYTHON_INSTALL_DIR}/otverify)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/otverify/__init__.py DESTINATION ${OTV_PYTHON_INSTALL_DIR}/otverify)

add_test(NAME python/pytest
         COMMAND ${Python_EXECUTABLE} -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_LIST_DIR}/tests)
set_tests_properties(python/pytest PROPERTIES LABELS python
                     ENVIRONMENT "PYTHONPATH=${CMAKE_BINARY_DIR}/python;OTVERIFY=$<TARGET_FILE:otverify>;OTV_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
