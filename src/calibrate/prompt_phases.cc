#include "calibrate/prompt_phases.h"

#include <map>
#include <utility>

#include <fmt/format.h>

#include "calibrate/csv_table.h"
#include "fleetlab/metrics/sample_set.h"

namespace fleetlab::calibrate {
namespace {

bool Selected(const CsvTable& t, std::size_t i, const SplitwiseRows& rows, double tp, double batch) {
  return t.rows[i][t.column.at("model")] == rows.model && t.rows[i][t.column.at("hardware")] == rows.hardware &&
         tp == rows.tp && batch == 1;
}

}  // namespace

Result<std::vector<PromptPhase>> ReadSplitwisePromptPhases(const std::string& text, const SplitwiseRows& rows) {
  auto t = ReadCsvTable(text, {"model", "hardware", "tensor_parallel", "prompt_size", "batch_size", "token_size",
                               "prompt_time"});
  if (!t.ok()) return t.status();
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<double>> times;
  for (std::size_t i = 0; i < t->rows.size(); ++i) {
    double tp = 0, batch = 0, prompt = 0, output = 0, ms = 0;
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "tensor_parallel", &tp));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "batch_size", &batch));
    if (!Selected(*t, i, rows, tp, batch)) continue;
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "prompt_size", &prompt));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "token_size", &output));
    FLEETLAB_RETURN_IF_ERROR(CsvNumber(*t, i, "prompt_time", &ms));
    if (prompt < 1 || output < 1 || ms <= 0) {
      return Status::InvalidArgument(fmt::format("line {}: prompt_size and token_size must be >= 1 and prompt_time > 0", i + 2));
    }
    times[{static_cast<std::int64_t>(prompt), static_cast<std::int64_t>(output)}].push_back(ms);
  }
  if (times.empty()) {
    return Status::InvalidArgument(fmt::format("no batch-1 rows of model \"{}\" on \"{}\" at tensor_parallel {}",
                                               rows.model, rows.hardware, rows.tp));
  }
  std::vector<PromptPhase> out;
  for (auto& [lengths, ms] : times) {
    const int repeats = static_cast<int>(ms.size());
    out.push_back({lengths.first, lengths.second, QuantileInPlace(ms, 0.5), repeats});
  }
  return out;
}

std::vector<ValidationPoint> PromptPhaseRuns(const std::vector<PromptPhase>& phases, const nlohmann::json& replica,
                                             std::uint64_t requests) {
  std::vector<ValidationPoint> runs;
  for (const PromptPhase& p : phases) {
    ValidationPoint v;
    v.id = fmt::format("prompt {} + {}", p.prompt_tokens, p.output_tokens);
    v.replica = replica;
    v.bench.requests = requests;
    v.bench.max_concurrency = 1;
    v.bench.mean_input_tokens = static_cast<double>(p.prompt_tokens);
    v.bench.mean_output_tokens = static_cast<double>(p.output_tokens);
    v.bench.metrics = {{"mean_ttft_ms", p.prompt_ms}};
    runs.push_back(std::move(v));
  }
  return runs;
}

}  // namespace fleetlab::calibrate
