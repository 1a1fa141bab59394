# SPDX-License-Identifier: MIT
# Run with cmake -P; see CMakeLists.txt beside this file.
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

function(run_step)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "step failed (${result}): ${ARGN}")
    endif()
endfunction()

run_step(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
set(expected_files include/XDMessaging/xdmessaging.h include/XDMessaging/xdmessaging_export.h
    include/XDMessaging/xdversion.h ${LIB_DIR}/pkgconfig/XDMessaging.pc share/qlogging-categories6/xdmessaging.categories)
if(EXPECT_XDMSG)
    list(APPEND expected_files bin/xdmsg share/man/man1/xdmsg.1.gz share/bash-completion/completions/xdmsg)
endif()
if(EXPECT_MESSENGER)
    list(APPEND expected_files bin/messenger share/applications/org.xdmessaging.Messenger.desktop
         share/icons/hicolor/scalable/apps/org.xdmessaging.Messenger.svg)
endif()
if(EXPECT_QML)
    list(APPEND expected_files ${QML_DIR}/XDMessaging/qmldir ${QML_DIR}/XDMessaging/xdmessaging_qml.qmltypes
         ${QML_DIR}/XDMessaging/libxdmessaging_qml.so)
endif()
foreach(expected ${expected_files})
    if(NOT EXISTS "${prefix}/${expected}")
        message(FATAL_ERROR "not installed: ${expected}")
    endif()
endforeach()
run_step(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}" -B "${WORK_DIR}/consumer-build"
         -G "${CMAKE_GENERATOR}" "-DCMAKE_PREFIX_PATH=${prefix}" "-DEXPECT_QML=${EXPECT_QML}")
run_step(${CMAKE_COMMAND} --build "${WORK_DIR}/consumer-build")
run_step("${WORK_DIR}/consumer-build/xdmessaging-consumer")

# The same consumer, built the way a qmake or meson project would: pkg-config alone.
find_program(PKG_CONFIG pkg-config REQUIRED)
find_program(CXX NAMES c++ g++ REQUIRED)
set(ENV{PKG_CONFIG_PATH} "${prefix}/${LIB_DIR}/pkgconfig")
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs XDMessaging OUTPUT_VARIABLE flags
                OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "pkg-config does not know XDMessaging")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
run_step(${CXX} -std=c++17 -fPIC "${CONSUMER_SOURCE_DIR}/main.cpp" -o "${WORK_DIR}/pkgconfig-consumer" ${flags}
         "-Wl,-rpath,${prefix}/${LIB_DIR}")
run_step("${WORK_DIR}/pkgconfig-consumer")
if(EXPECT_QML)
    run_step(${CMAKE_COMMAND} -E env "QML_IMPORT_PATH=${prefix}/${QML_DIR}" QT_QPA_PLATFORM=offscreen
             "${WORK_DIR}/consumer-build/xdmessaging-qml-consumer")
endif()
