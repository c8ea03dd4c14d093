# Every dependency is a Debian package; a missing one stops the configure step
# with the package to install.
find_package(PkgConfig)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

function(simvx_require_pkg var module debian_package)
  pkg_check_modules(${var} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "${module} not found: apt-get install ${debian_package}")
  endif()
endfunction()

simvx_require_pkg(FLAC flac libflac-dev)
simvx_require_pkg(VORBIS vorbis libvorbis-dev)
simvx_require_pkg(VORBISFILE vorbisfile libvorbis-dev)
simvx_require_pkg(OGG ogg libogg-dev)  # vorbis.cpp walks pages with libogg
simvx_require_pkg(OPUS opus libopus-dev)
simvx_require_pkg(OPUSFILE opusfile libopusfile-dev)
simvx_require_pkg(MPG123 libmpg123 libmpg123-dev)
# The fallback decoder for formats the native ones do not cover
# (src/decode/ffmpeg.cpp): built against these headers, loaded at run time.
simvx_require_pkg(AVFORMAT libavformat libavformat-dev)
simvx_require_pkg(AVCODEC libavcodec libavcodec-dev)
simvx_require_pkg(AVUTIL libavutil libavutil-dev)
simvx_require_pkg(SOXR soxr libsoxr-dev)
simvx_require_pkg(EBUR128 libebur128 libebur128-dev)
simvx_require_pkg(PULSE libpulse libpulse-dev)  # headers only: loaded at run time (src/sink/pulse_api.hpp)
simvx_require_pkg(MYSOFA libmysofa libmysofa-dev)  # HRTF sets (SOFA files) for binaural 3D (src/spatial/hrtf_set.*): headers only, loaded at run time
simvx_require_pkg(FFTW3F fftw3f libfftw3-dev)  # single precision: the spectrogram's FFT (src/dsp/fft.*): headers only, loaded at run time
simvx_require_pkg(CAIRO cairo libcairo2-dev)   # --plot's pictures (src/app/plot/): headers only, loaded at run time
simvx_require_pkg(FONTCONFIG fontconfig libfontconfig-dev)  # cairo's fonts: their caches are released after a picture
# The encoders of --render: FLAC's is libFLAC above.
simvx_require_pkg(VORBISENC vorbisenc libvorbis-dev)
simvx_require_pkg(OPUSENC libopusenc libopusenc-dev)
# libmp3lame ships no pkg-config file.
find_path(LAME_INCLUDE_DIR lame/lame.h)
find_library(LAME_LIBRARY mp3lame)
if(NOT LAME_INCLUDE_DIR OR NOT LAME_LIBRARY)
  message(FATAL_ERROR "libmp3lame not found: apt-get install libmp3lame-dev")
endif()
add_library(simvx_lame INTERFACE IMPORTED GLOBAL)
target_include_directories(simvx_lame INTERFACE ${LAME_INCLUDE_DIR})
target_link_libraries(simvx_lame INTERFACE ${LAME_LIBRARY})

find_package(tomlplusplus QUIET)
if(NOT tomlplusplus_FOUND)
  message(FATAL_ERROR "toml++ not found: apt-get install libtomlplusplus-dev")
endif()
find_package(CLI11 QUIET)
if(NOT CLI11_FOUND)
  message(FATAL_ERROR "CLI11 not found: apt-get install libcli11-dev")
endif()
find_package(nlohmann_json 3.10 QUIET)
if(NOT nlohmann_json_FOUND)
  message(FATAL_ERROR "nlohmann/json not found: apt-get install nlohmann-json3-dev")
endif()
find_package(Threads REQUIRED)

if(SIMVX_TESTS)
  find_package(GTest QUIET)
  if(NOT GTest_FOUND)
    message(FATAL_ERROR "GoogleTest not found: apt-get install libgtest-dev libgmock-dev")
  endif()
endif()
if(SIMVX_BENCH)
  find_package(benchmark QUIET)
  if(NOT benchmark_FOUND)
    message(FATAL_ERROR "Google Benchmark not found: apt-get install libbenchmark-dev")
  endif()
endif()
