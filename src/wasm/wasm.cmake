# The engine for the browser: em++ (Debian's emscripten 3.1.6) builds the
# engine's sources and the lab server's socket-free request handling into
# fleetlab-engine.js + fleetlab-engine.wasm (src/wasm/engine.cc is the
# entry). Included by CMakeLists.txt when configured with emcmake; `make
# site` does that in build-wasm/. docs/site.md says what each choice costs.

# nlohmann-json and header-only fmt from copies of Debian's headers in a
# folder of their own: -I/usr/include would pull glibc's headers in.
foreach(dir nlohmann fmt)
  file(COPY /usr/include/${dir} DESTINATION ${CMAKE_BINARY_DIR}/third_party)
endforeach()

file(GLOB_RECURSE WASM_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/*.cc)
list(FILTER WASM_SOURCES EXCLUDE REGEX "_test\\.cc$|_fuzz\\.cc$")
# Not in the browser: the command line, sweeps (threads, MPI) and their
# routes (sweep, size), the lab server's sockets, worker pool, files and
# process set-up, and the classroom (SQLite on the server's disk: a site's
# page posts to a class server over HTTP instead, docs/site.md), so the
# engine needs no SQLite; nor the embedding API (src/api/, fleetlab.h): the
# page calls LocalApi.
list(FILTER WASM_SOURCES EXCLUDE REGEX "/src/cli/|/src/sweep/|/src/server/classroom/|/src/api/")
list(FILTER WASM_SOURCES EXCLUDE REGEX
  "/src/server/(http_transport|job_queue|lab_server|lab_app|planner_routes|static_files|load_test_main|server_test_util)\\.cc$")

# Exceptions carry nlohmann's and fmt's errors: on for every compile and the link, as
# WebAssembly exceptions (-fwasm-exceptions; Debian ships libc++ built so):
# emscripten's default, exceptions emulated in JavaScript, sends every call
# that may unwind through a JS trampoline (docs/site.md: 2-7x slower).
set(WASM_FLAGS -fwasm-exceptions)
add_executable(fleetlab_engine ${WASM_SOURCES})
set_target_properties(fleetlab_engine PROPERTIES OUTPUT_NAME fleetlab-engine SUFFIX ".js"
                      RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
target_include_directories(fleetlab_engine PRIVATE ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src
                           ${CMAKE_BINARY_DIR}/third_party)
target_compile_definitions(fleetlab_engine PRIVATE FMT_HEADER_ONLY)
target_compile_options(fleetlab_engine PRIVATE ${WASM_FLAGS})
set(FLEETLAB_WASM_EXPORTS
  _fleetlab_init,_fleetlab_call,_fleetlab_frontier_capacity,_fleetlab_frontier_point,_fleetlab_frontier_finish,_fleetlab_reply,_malloc,_free)
target_link_options(fleetlab_engine PRIVATE ${WASM_FLAGS}
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createFleetlabEngine
  # web,worker: the page's Web Workers; node: the equality test (web/e2e/wasm-equality.mjs).
  -sENVIRONMENT=web,worker,node
  -sALLOW_MEMORY_GROWTH=1 -sFILESYSTEM=0
  -sEXPORTED_FUNCTIONS=${FLEETLAB_WASM_EXPORTS}
  -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8)
