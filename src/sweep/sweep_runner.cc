#include "fleetlab/sweep/sweep_runner.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/run_estimate.h"
#include "fleetlab/runner.h"
#include "fleetlab/sweep/worker_pool.h"
#include "fleetlab/util/file.h"

namespace fleetlab {
namespace {

using nlohmann::json;

struct Prepared {
  std::vector<SweepPoint> points;
  // Each point as parsed here, kept for its run (it holds its document)
  // unless it carries a trace, whose copy per point could be large: then
  // its document is kept and parsed again when it runs.
  std::vector<std::optional<Scenario>> parsed;
  std::vector<json> documents;  // null where parsed holds the point
  std::vector<std::string> keys;
  std::optional<Catalog> catalog;
  const Catalog* given = nullptr;  // SweepRunOptions::catalog
  const Catalog* catalog_ptr() const { return given != nullptr ? given : catalog ? &*catalog : nullptr; }
};

// SweepRunOptions::max_events_per_point, where it is tighter than the point's own.
void LimitEvents(const SweepRunOptions& options, Scenario* scenario) {
  if (options.max_events_per_point > 0) {
    scenario->limits.max_events = std::min(scenario->limits.max_events, options.max_events_per_point);
  }
}

// Expands the sweep and parses every point, so a bad point fails before any
// simulation starts.
Result<Prepared> Prepare(const SweepSpec& spec, const SweepRunOptions& options) {
  Prepared p;
  p.points = ExpandSweep(spec);
  p.given = options.catalog;
  if (p.given == nullptr && spec.base.is_object() && (spec.base.contains("replica") || spec.base.contains("fleet"))) {
    auto catalog = Catalog::LoadDefault();
    if (catalog.ok()) p.catalog = std::move(catalog).value();
  }
  for (const SweepPoint& point : p.points) {
    auto doc = PointDocument(spec, point);
    if (!doc.ok()) return doc.status();
    auto scenario = ParsePoint(spec, point, *doc, p.catalog_ptr());
    if (!scenario.ok()) return scenario.status();
    if (Status m = CheckRunEstimate(*scenario, options.max_bytes_per_point, "--max-memory per thread"); !m.ok()) {
      return m.WithContext(fmt::format("point {}", point.index));
    }
    p.keys.push_back(PointKey(*doc));
    LimitEvents(options, &*scenario);
    const bool keep = scenario->trace.empty();
    p.parsed.push_back(keep ? std::optional<Scenario>(std::move(scenario).value()) : std::nullopt);
    p.documents.push_back(keep ? json() : std::move(doc).value());
  }
  return p;
}

Status WriteAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    file << text;
    if (!file.flush()) return Status::IoError(fmt::format("{}: cannot write the file", tmp));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IoError(fmt::format("{}: cannot replace the file ({})", path, ec.message()));
  return Status::Ok();
}

// Rank 0: the rows of an earlier output that still match their points.
Result<std::map<std::uint64_t, SweepRow>> Resumable(SweepFormat format, const SweepSpec& spec, const Prepared& p,
                                                    const std::string& path) {
  std::map<std::uint64_t, SweepRow> kept;
  if (path.empty() || !std::filesystem::exists(path)) return kept;
  auto text = ReadTextFile(path, "sweep output");
  if (!text.ok()) return text.status();
  auto rows = ParseRows(format, spec, *text, path);
  if (!rows.ok()) return rows.status();
  for (auto& [index, row] : *rows) {
    if (index < p.points.size() && row.key == p.keys[index]) kept.emplace(index, std::move(row));
  }
  return kept;
}

// Rows this rank ran, for the trip to rank 0: [[index, key, line, events, failed], ...].
std::string Pack(const std::vector<SweepRow>& rows, const std::vector<std::uint64_t>& events,
                 const std::vector<char>& failed, std::size_t begin, std::size_t end) {
  json all = json::array();
  for (std::size_t i = begin; i < end; ++i) all.push_back({rows[i].index, rows[i].key, rows[i].line, events[i], failed[i] != 0});
  return all.dump();
}

// Appends finished rows to the output as they come, so an interrupted sweep
// keeps them.
class Journal {
 public:
  Status Open(const std::string& path, SweepFormat format, const SweepSpec& spec,
              const std::map<std::uint64_t, SweepRow>& kept) {
    if (path.empty()) return Status::Ok();
    std::string text = format == SweepFormat::kCsv ? HeaderLine(format, spec) + "\n" : "[\n";
    for (const auto& [index, row] : kept) text += row.line + (format == SweepFormat::kJson ? ",\n" : "\n");
    FLEETLAB_RETURN_IF_ERROR(WriteAtomically(path, text));
    file_.open(path, std::ios::binary | std::ios::app);
    if (!file_) return Status::IoError(fmt::format("{}: cannot open the file for writing", path));
    json_ = format == SweepFormat::kJson;
    return Status::Ok();
  }
  void Append(const SweepRow& row) {
    if (!file_.is_open()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    file_ << row.line << (json_ ? ",\n" : "\n");
    file_.flush();
  }
  void Close() { file_.close(); }

 private:
  std::ofstream file_;
  std::mutex mutex_;
  bool json_ = false;
};

}  // namespace

namespace {

// One rank's part of a sweep: plan (rank 0 decides), run its share, collect.
class Execution {
 public:
  Execution(const SweepSpec& spec, const SweepRunOptions& options, SweepFormat format, const Prepared& p,
            SweepComm& comm)
      : spec_(spec), options_(options), format_(format), p_(p), comm_(comm) {}

  // Rank 0 reads what an earlier run left and tells every rank what is
  // pending: [ok, index...]. Returns this rank's share.
  Result<std::vector<std::uint64_t>> Plan() {
    std::vector<std::uint64_t> plan;
    Status root;
    if (comm_.rank() == 0) {
      auto resumable = Resumable(format_, spec_, p_, options_.out_path);
      root = resumable.ok() ? journal_.Open(options_.out_path, format_, spec_, *resumable) : resumable.status();
      if (resumable.ok()) kept_ = std::move(resumable).value();
      plan.push_back(root.ok() ? 1 : 0);
      for (const SweepPoint& point : p_.points) {
        if (!kept_.count(point.index)) plan.push_back(point.index);
      }
    }
    plan = comm_.Broadcast(plan);
    if (!root.ok()) return root;
    if (plan.empty() || plan[0] != 1) return Status::IoError("rank 0 could not prepare the sweep output (see its message)");
    // Static interleave: the k-th pending point goes to rank k mod size.
    std::vector<std::uint64_t> mine;
    pending_ = plan.size() - 1;
    const auto size = static_cast<std::size_t>(comm_.size()), rank = static_cast<std::size_t>(comm_.rank());
    for (std::size_t k = 1; k < plan.size(); ++k) {
      if ((k - 1) % size == rank) mine.push_back(plan[k]);
    }
    return mine;
  }

  // Runs the points `mine` on the pool, in rounds of kRowsPerGather points
  // per rank under MPI; after each round rank 0 receives every rank's rows
  // and journals them, so an interrupted MPI sweep keeps all finished rounds.
  void RunShare(const std::vector<std::uint64_t>& mine) {
    rows_.assign(mine.size(), SweepRow{});
    events_.assign(mine.size(), 0);
    failed_.assign(mine.size(), 0);
    const std::size_t size = static_cast<std::size_t>(comm_.size());
    const std::size_t most = (pending_ + size - 1) / size;  // the largest share: every rank runs as many rounds
    const std::size_t per_round = size == 1 ? std::max<std::size_t>(most, 1) : kRowsPerGather;
    const std::size_t rounds = (most + per_round - 1) / per_round;
    WorkerPool pool(std::max(1u, options_.threads));
    for (std::size_t r = 0; r < rounds; ++r) {
      const std::size_t begin = std::min(r * per_round, mine.size()), end = std::min(begin + per_round, mine.size());
      pool.Run(end - begin, [&](std::size_t k) { RunPoint(p_.points[mine[begin + k]], begin + k); });
      Receive(comm_.GatherToRoot(Pack(rows_, events_, failed_, begin, end)));
    }
  }

  // Rank 0 writes the rows in point order, after the ones it kept.
  Result<SweepOutcome> Collect() {
    SweepOutcome outcome = outcome_;
    outcome.points = p_.points.size();
    outcome.resumed = kept_.size();
    if (comm_.rank() != 0) return outcome;
    journal_.Close();
    std::map<std::uint64_t, SweepRow> all = std::move(kept_);
    all.merge(received_);
    std::vector<SweepRow> ordered;
    for (auto& [index, row] : all) ordered.push_back(std::move(row));
    assert(ordered.size() == p_.points.size());
    std::string table = RenderTable(format_, spec_, ordered);
    if (options_.out_path.empty()) {
      outcome.table = std::move(table);
      return outcome;
    }
    FLEETLAB_RETURN_IF_ERROR(WriteAtomically(options_.out_path, table));
    return outcome;
  }

 private:
  static constexpr std::size_t kRowsPerGather = 32;

  // Rank 0: one round's rows from every rank (its own first, already
  // journalled as they finished).
  void Receive(const std::vector<std::string>& packs) {
    for (std::size_t rank = 0; rank < packs.size(); ++rank) {
      for (const json& r : json::parse(packs[rank])) {
        const std::uint64_t index = r[0].get<std::uint64_t>();
        SweepRow row{index, r[1].get<std::string>(), r[2].get<std::string>()};
        if (rank > 0) journal_.Append(row);
        received_[index] = std::move(row);
        outcome_.events += r[3].get<std::uint64_t>();
        outcome_.failed += r[4].get<bool>() ? 1 : 0;
        ++outcome_.simulated;
      }
    }
  }

  void RunPoint(const SweepPoint& point, std::size_t j) {
    // The point as Prepare parsed it (run in place, not copied), or parsed
    // again here when Prepare kept only its document.
    const std::optional<Scenario>& parsed = p_.parsed[point.index];
    std::optional<Result<Scenario>> reparsed;
    if (!parsed) {
      reparsed.emplace(ParsePoint(spec_, point, p_.documents[point.index], p_.catalog_ptr()));
      if (reparsed->ok()) LimitEvents(options_, &**reparsed);
    }
    const Scenario* scenario = parsed ? &*parsed : reparsed->ok() ? &**reparsed : nullptr;
    RunHooks hooks;
    hooks.kv_heatmap = false;
    hooks.cancel = options_.cancel;
    auto report = scenario != nullptr ? RunScenario(*scenario, hooks) : Result<Report>(reparsed->status());
    json metrics;
    if (report.ok()) {
      metrics = HeadlineMetrics(*report);
      events_[j] = metrics["events"].is_number() ? metrics["events"].get<std::uint64_t>() : 0;
    }
    failed_[j] = report.ok() ? 0 : 1;
    rows_[j] = RenderRow(format_, spec_, point, p_.keys[point.index], metrics,
                         report.ok() ? "" : report.status().message());
    if (comm_.rank() != 0) return;
    journal_.Append(rows_[j]);  // at once: a single-process sweep has one round
    if (!options_.progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex_);
    options_.progress(++done_, rows_.size());
  }

  const SweepSpec& spec_;
  const SweepRunOptions& options_;
  SweepFormat format_;
  const Prepared& p_;
  SweepComm& comm_;
  Journal journal_;
  std::map<std::uint64_t, SweepRow> kept_;
  std::vector<SweepRow> rows_;
  std::vector<std::uint64_t> events_;
  std::vector<char> failed_;  // not vector<bool>: threads write neighbouring slots
  std::size_t pending_ = 0;   // points left to run, all ranks
  std::map<std::uint64_t, SweepRow> received_;  // rank 0: rows run now
  SweepOutcome outcome_;
  std::mutex progress_mutex_;
  std::uint64_t done_ = 0;
};

}  // namespace

Result<SweepOutcome> RunSweep(const SweepSpec& spec, const SweepRunOptions& options) {
  std::unique_ptr<SweepComm> local;
  SweepComm* comm = options.comm;
  if (!comm) comm = (local = MakeLocalComm()).get();
  SweepFormat format = SweepFormat::kCsv;
  if (!options.out_path.empty()) {
    auto f = SweepFormatOf(options.out_path);
    if (!f.ok()) return f.status();
    format = *f;
  }
  auto prepared = Prepare(spec, options);
  if (!comm->AllAgree(prepared.ok())) {
    return prepared.ok() ? Status::InvalidArgument("another rank could not prepare the sweep (see its message)")
                         : prepared.status();
  }
  Execution run(spec, options, format, *prepared, *comm);
  auto mine = run.Plan();
  if (!mine.ok()) return mine.status();
  run.RunShare(*mine);
  if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
    return Status::OutOfRange("cancelled (the wall-time limit of the caller)");
  }
  return run.Collect();
}

}  // namespace fleetlab
