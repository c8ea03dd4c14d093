# Fails when a file in src/ includes a header of a layer above it or beside
# it, or when a room of app/ (ui, measure, report, control, plot) includes the orchestration
# in app/ itself.
#   cmake -DSRC=path/to/src -DGRAPH="core=core|decode=decode,core|..." -P cmake/check_layers.cmake
# GRAPH is what each layer may see, as cmake/Layers.cmake declares it.
cmake_minimum_required(VERSION 3.25)
string(REPLACE "|" ";" graph "${GRAPH}")
foreach(entry ${graph})
  string(REPLACE "=" ";" parts "${entry}")
  list(GET parts 0 layer)
  list(GET parts 1 visible)
  string(REPLACE "," ";" below_${layer} "${visible}")
endforeach()
# The rooms of app/: the interface (ui) sees only core; measuring sees what
# app sees but the other rooms above it; reporting also sees measurements;
# live control (control) sees all of those, but not the orchestration;
# pictures (plot) see what measuring sees, and the measurements.
if(DEFINED below_app)
  set(below_app_ui core app/ui)
  set(below_app_measure ${below_app} app/ui app/measure)
  list(REMOVE_ITEM below_app_measure app)
  set(below_app_report ${below_app_measure} app/report)
  set(below_app_control ${below_app_report} app/control)
  set(below_app_plot ${below_app_measure} app/plot)
  list(APPEND below_app app/ui app/measure app/report app/control app/plot)
endif()

# The layer or app room a path in src/ belongs to: "mix", "app/ui", "app".
function(room_of path out)
  string(REGEX MATCH "^app/(ui|measure|report|control|plot)/" sub "${path}")
  if(sub)
    string(REGEX REPLACE "/$" "" sub "${sub}")
    set(${out} ${sub} PARENT_SCOPE)
  else()
    string(REGEX MATCH "^[a-z_]+" top "${path}")
    set(${out} ${top} PARENT_SCOPE)
  endif()
endfunction()

file(GLOB_RECURSE files RELATIVE ${SRC} ${SRC}/*.hpp ${SRC}/*.cpp)
set(problems "")
foreach(file ${files})
  room_of(${file} from)
  string(REPLACE "/" "_" var "below_${from}")
  if(NOT DEFINED ${var})
    string(APPEND problems "\n  src/${file}: '${from}' is not a layer (add it to cmake/Layers.cmake and this file)")
    continue()
  endif()
  file(STRINGS ${SRC}/${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"[a-z_]+/")
  foreach(line ${lines})
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" header "${line}")
    room_of(${header} to)
    list(FIND ${var} ${to} found)
    if(found EQUAL -1)
      string(APPEND problems "\n  src/${file}: ${from} includes ${header}, from ${to}, which is not below it")
    endif()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "includes that go against the layers (cmake/Layers.cmake):${problems}")
endif()
