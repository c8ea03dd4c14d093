#include "scene/diagnostic.hpp"

namespace simvx {

std::string SourceLocation::str() const {
    if (file.empty()) return "command line";
    if (line == 0) return file;
    std::string s = file + ":" + std::to_string(line);
    if (column != 0) s += ":" + std::to_string(column);
    return s;
}

}  // namespace simvx
