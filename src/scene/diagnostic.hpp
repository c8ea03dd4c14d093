// Where a problem of an input is and what it is: file:line:col and one
// sentence. Its own header so that the TOML schema reader (toml_schema.hpp)
// can report problems without knowing the scene format.
#pragma once
#include <cstdint>
#include <string>

namespace simvx {

struct SourceLocation {
    std::string file;  // the scene file as the user named it
    uint32_t line = 0;    // 1-based; 0 = not from a file (command line)
    uint32_t column = 0;  // 1-based
    std::string str() const;  // "file:line:col" (or "file" / "command line")
};

struct SceneDiagnostic {
    SourceLocation where;
    std::string message;  // one sentence, without the location
    // "file:line:col: message"; the message alone when it has no line (a
    // sound given on the command line, a problem of the whole scene).
    std::string str() const { return where.line ? where.str() + ": " + message : message; }
};

}  // namespace simvx
