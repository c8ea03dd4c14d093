// One line on stderr redrawn in place (carriage return, text, erase to the end
// of the line): what the status line and the progress line draw with. It tells
// the log it is there, so a message erases it before printing.
#pragma once
#include <string>

namespace simvx {

class LineInPlace {
public:
    ~LineInPlace() { clear(); }
    void show(const std::string& text);
    void clear();

private:
    bool drawn_ = false;
};

}  // namespace simvx
