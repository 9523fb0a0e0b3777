# Writes OUTPUT, a C++ source holding every file under DIR as a named text (its path relative to
# DIR), for templateText() in engine/src/templates.cpp. Run by the engine's build with
# cmake -P whenever a file under DIR changes; bytes are written as numbers (unsigned, so UTF-8
# fits), so any text embeds as it is, whatever quotes or delimiters it contains.
file(GLOB_RECURSE _files LIST_DIRECTORIES false RELATIVE "${DIR}" "${DIR}/*")
list(SORT _files)
# CMake's regular expressions have no {n}: 24 bytes a line is spelled out.
string(REPEAT "0x[0-9a-f][0-9a-f]," 24 _line)
set(_arrays "")
set(_entries "")
set(_index 0)
foreach(_name IN LISTS _files)
  file(READ "${DIR}/${_name}" _hex HEX)
  string(LENGTH "${_hex}" _hexLength)
  math(EXPR _size "${_hexLength} / 2")
  # 0x.., per byte, 24 bytes a line.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
  string(REGEX REPLACE "(${_line})" "\\1\n    " _bytes "${_bytes}")
  string(APPEND _arrays "// ${_name}\nconst unsigned char text${_index}[] = {\n    ${_bytes}0};\n\n")
  string(APPEND _entries "    {\"${_name}\", reinterpret_cast<const char *>(text${_index}), ${_size}},\n")
  math(EXPR _index "${_index} + 1")
endforeach()
if(_index EQUAL 0)
  message(FATAL_ERROR "embed_templates: no files under ${DIR}")
endif()
set(_source "// Generated from engine/templates/ by engine/cmake/embed_templates.cmake; do not edit.

#include \"templates.h\"

namespace torchwright {

namespace {

${_arrays}} // namespace

const EmbeddedText kEmbeddedTemplates[] = {
${_entries}};
const std::size_t kEmbeddedTemplateCount = ${_index};

} // namespace torchwright
")
# Only a changed source is written, so an unchanged one does not rebuild the engine.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" _old)
  if(_old STREQUAL _source)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${_source}")
