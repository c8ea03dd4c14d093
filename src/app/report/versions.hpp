// --version: this program and the libraries that decode, convert and play.
#pragma once
#include <string>

namespace simvx {

std::string version_text();

}  // namespace simvx
