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
    include/XDMessaging/xdversion.h)
if(EXPECT_XDMSG)
    list(APPEND expected_files bin/xdmsg)
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
if(EXPECT_QML)
    run_step(${CMAKE_COMMAND} -E env "QML_IMPORT_PATH=${prefix}/${QML_DIR}" QT_QPA_PLATFORM=offscreen
             "${WORK_DIR}/consumer-build/xdmessaging-qml-consumer")
endif()
