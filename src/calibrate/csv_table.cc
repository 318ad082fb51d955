#include "calibrate/csv_table.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>

namespace fleetlab::calibrate {
namespace {

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

}  // namespace

Result<CsvTable> ReadCsvTable(const std::string& text, const std::vector<std::string>& required) {
  CsvTable t;
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) return Status::InvalidArgument("empty file (a CSV table with a header line)");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const auto header = Split(line);
  for (std::size_t i = 0; i < header.size(); ++i) t.column[header[i]] = i;
  for (const auto& name : required) {
    if (t.column.count(name) == 0) return Status::InvalidArgument(fmt::format("line 1: no column \"{}\"", name));
  }
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    t.rows.push_back(Split(line));
    if (t.rows.back().size() != header.size()) {
      return Status::InvalidArgument(fmt::format("line {}: {} cells, the header has {}", t.rows.size() + 1,
                                                 t.rows.back().size(), header.size()));
    }
  }
  return t;
}

Status CsvNumber(const CsvTable& t, std::size_t row, const std::string& name, double* out) {
  const std::string& s = t.rows[row][t.column.at(name)];
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v < 0) {
    return Status::InvalidArgument(fmt::format("line {}, column {}: must be a number >= 0 (got \"{}\")", row + 2, name, s));
  }
  *out = v;
  return Status::Ok();
}

}  // namespace fleetlab::calibrate
