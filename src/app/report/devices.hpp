// --list-devices: every output and the devices it offers, asked of the
// output table (sink/outputs.hpp). An output that cannot answer (no server)
// says why in its place; the others are still listed.
#pragma once
#include <string>

namespace simvx {

// Text, one block per output ('*' marks the default device), or with `json`
// one {"type":"devices","outputs":[...]} line.
std::string list_devices(bool json);

}  // namespace simvx
