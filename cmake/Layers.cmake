# One static library per layer of src/, each linking only downward:
#
#   core <- decode, dsp <- spatial <- mix <- assemble <- app
#                              spatial <- scene <- assemble
#   core <- sink                                         (sink <- app)
#
# The scene (the format's description and its loader) sits above the sound
# layers but needs nothing of the mixer, so it does not link it: the fuzz tree
# builds the loader without the engine.
# Each layer compiles against a view of src/ that holds only itself and the
# layers below it (symlinks in the build tree), so an include that goes up or
# sideways is "file not found" at build time. cmake/check_layers.cmake also
# checks every header and the rooms inside app/ before anything compiles,
# against the same graph: the BELOW lists of the calls below are the only
# place it is written.
# A new file joins its layer's library without touching this file.

set(SIMVX_LAYER_VIEWS ${PROJECT_BINARY_DIR}/layers)

# simvx_layer(NAME BELOW layers... LIBS targets...)
function(simvx_layer name)
  cmake_parse_arguments(L "" "" "BELOW;LIBS" ${ARGN})
  set(view ${SIMVX_LAYER_VIEWS}/${name})
  file(MAKE_DIRECTORY ${view})
  foreach(visible ${name} ${L_BELOW})
    if(NOT EXISTS ${view}/${visible})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${visible} ${view}/${visible} SYMBOLIC)
    endif()
  endforeach()
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  add_library(simvx_${name} STATIC ${sources})
  target_include_directories(simvx_${name} PUBLIC ${view})
  # The audio kernels rely on the vectorizer: -O3 for the engine (tests stay at
  # the build type's level, where GCC 12 warns less spuriously).
  target_compile_options(simvx_${name} PRIVATE $<$<NOT:$<CONFIG:Debug>>:-O3>)
  foreach(below ${L_BELOW})
    target_link_libraries(simvx_${name} PUBLIC simvx_${below})
  endforeach()
  if(L_LIBS)
    target_link_libraries(simvx_${name} PUBLIC ${L_LIBS})
  endif()
  # "name=name,below,..." for the include check (defined once every layer is).
  list(JOIN L_BELOW "," below)
  set(visible "${name}")
  if(below)
    string(APPEND visible ",${below}")
  endif()
  set_property(GLOBAL APPEND PROPERTY SIMVX_LAYER_GRAPH "${name}=${visible}")
  if(NOT SIMVX_FUZZ)
    add_dependencies(simvx_${name} simvx_check_layers)
  endif()
endfunction()

simvx_layer(core LIBS Threads::Threads)
target_compile_definitions(simvx_core PUBLIC SIMVX_VERSION="${PROJECT_VERSION}"
  SIMVX_OPUSFILE_VERSION="${OPUSFILE_VERSION}" SIMVX_MPG123_VERSION="${MPG123_VERSION}")
simvx_layer(decode BELOW core
  LIBS PkgConfig::FLAC PkgConfig::VORBIS PkgConfig::VORBISFILE PkgConfig::OGG PkgConfig::OPUS PkgConfig::OPUSFILE
       PkgConfig::MPG123 ${CMAKE_DL_LIBS})
# FFmpeg is loaded at run time, when the fallback decoder is first needed
# (src/decode/ffmpeg_api.hpp): its headers only, no link.
target_include_directories(simvx_decode PUBLIC ${AVFORMAT_INCLUDE_DIRS} ${AVCODEC_INCLUDE_DIRS} ${AVUTIL_INCLUDE_DIRS})
# FFTW and libmysofa are loaded when first used (src/dsp/fftw_api.hpp,
# src/spatial/mysofa_api.hpp): headers only, no link.
simvx_layer(dsp BELOW core LIBS PkgConfig::SOXR ${CMAKE_DL_LIBS})
target_include_directories(simvx_dsp PUBLIC ${FFTW3F_INCLUDE_DIRS})
simvx_layer(spatial BELOW dsp core LIBS ${CMAKE_DL_LIBS})
target_include_directories(simvx_spatial PUBLIC ${MYSOFA_INCLUDE_DIRS})
simvx_layer(scene BELOW spatial dsp decode core LIBS tomlplusplus::tomlplusplus)
if(SIMVX_FUZZ)
  return()  # the fuzz targets reach the decoders, the stream framer and the loader: nothing above
endif()
# libpulse is loaded at run time, when something first plays (src/sink/pulse_api.hpp): its headers only, no link.
simvx_layer(sink BELOW core
  LIBS PkgConfig::FLAC PkgConfig::VORBISENC PkgConfig::VORBIS PkgConfig::OGG PkgConfig::OPUSENC simvx_lame ${CMAKE_DL_LIBS})
target_include_directories(simvx_sink PUBLIC ${PULSE_INCLUDE_DIRS})
simvx_layer(mix BELOW spatial dsp decode core)
simvx_layer(assemble BELOW scene mix spatial dsp decode core)
# cairo and fontconfig are loaded when --plot first draws (src/app/plot/cairo_api.hpp): headers only, no link.
simvx_layer(app BELOW assemble scene mix spatial dsp decode sink core LIBS PkgConfig::EBUR128 nlohmann_json::nlohmann_json ${CMAKE_DL_LIBS})
target_include_directories(simvx_app PUBLIC ${CAIRO_INCLUDE_DIRS} ${FONTCONFIG_INCLUDE_DIRS})

# The include check, run before any layer compiles, with the graph above.
get_property(graph GLOBAL PROPERTY SIMVX_LAYER_GRAPH)
string(REPLACE ";" "|" graph "${graph}")
add_custom_target(simvx_check_layers
  COMMAND ${CMAKE_COMMAND} -DSRC=${PROJECT_SOURCE_DIR}/src "-DGRAPH=${graph}"
          -P ${PROJECT_SOURCE_DIR}/cmake/check_layers.cmake
  COMMENT "Checking that includes only go down the layers"
  VERBATIM)

# Everything: what the front end, tests and benchmarks link.
add_library(simvx INTERFACE)
target_link_libraries(simvx INTERFACE simvx_app)
