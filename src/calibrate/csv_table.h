// A comma-separated table with a header line, as the public profiles that
// `fleetlab calibrate` reads are written (Vidur's, Splitwise's: no quoting).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "fleetlab/status.h"

namespace fleetlab::calibrate {

struct CsvTable {
  std::map<std::string, std::size_t> column;  // header name -> index
  std::vector<std::vector<std::string>> rows;   // each as wide as the header
};

// Reads the table; errors name the line: a missing `required` column, a row
// wider or narrower than the header. Blank lines are skipped.
Result<CsvTable> ReadCsvTable(const std::string& text, const std::vector<std::string>& required);

// The number in `row`'s `name` column (a column ReadCsvTable required).
// Errors name the file line and column: not a finite number >= 0.
// REQUIRES: row < t.rows.size(); t.column holds name.
Status CsvNumber(const CsvTable& t, std::size_t row, const std::string& name, double* out);

}  // namespace fleetlab::calibrate
