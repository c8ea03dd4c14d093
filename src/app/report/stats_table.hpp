// --stats printed for people: one row per bus (the output first), numbers
// with two decimals, "-inf" for silence.
#pragma once
#include <string>
#include <vector>

#include "app/measure/bus_meters.hpp"

namespace simvx {

std::string stats_table(const std::vector<BusStats>& rows);

}  // namespace simvx
