// `import fleetlab`: the simulator from Python (pybind11). Scenarios, sweeps
// and sizing questions are the same JSON documents as the command line's,
// given as dicts; results come back as dicts, and the tabular ones (sweep,
// plan, frontier series) as columns — a dict of equal-length lists, which
// pandas.DataFrame takes as it is. The GIL is released while simulating,
// so other Python threads run meanwhile, and Ctrl-C (any Python signal
// handler that raises) cancels a run. Errors: ValueError with the message
// naming the field (bad input), RuntimeError otherwise.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "fleetlab/frontier.h"
#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/sweep/sizing.h"
#include "fleetlab/sweep/sweep_rows.h"
#include "fleetlab/sweep/sweep_runner.h"
#include "fleetlab/sweep/worker_pool.h"
#include "fleetlab/util/json.h"
#include "fleetlab/version.h"
#include "fleetlab/llm/catalog.h"
#include "planner/planner.h"
#include "planner/planner_json.h"

namespace py = pybind11;
using nlohmann::json;

namespace {

// Python object -> JSON through Python's own json module (dicts, lists,
// numbers, strings, bools, None), then the project's bounded parser.
json ToJson(const py::handle& obj, const char* what) {
  const py::module_ pyjson = py::module_::import("json");
  std::string text;
  try {
    text = py::cast<std::string>(pyjson.attr("dumps")(obj, py::arg("allow_nan") = false));
  } catch (const py::error_already_set& e) {
    throw py::value_error(std::string(what) + ": must be JSON-like (dicts, lists, numbers, strings, bools, None): " +
                          e.what());
  }
  auto parsed = fleetlab::ParseJsonText(text, what);
  if (!parsed.ok()) throw py::value_error(parsed.status().message());
  return std::move(parsed).value();
}

template <typename J>
py::object FromJson(const J& j) {
  return py::module_::import("json").attr("loads")(j.dump());
}

// Bad input (a field out of range, an unknown id, a run past its own
// limits) is a ValueError; anything else a RuntimeError.
[[noreturn]] void Raise(const fleetlab::Status& s) {
  using Code = fleetlab::Status::Code;
  if (s.code() == Code::kInvalidArgument || s.code() == Code::kNotFound || s.code() == Code::kOutOfRange) {
    throw py::value_error(s.message());
  }
  throw std::runtime_error(s.message());
}

template <typename T>
T Take(fleetlab::Result<T> r) {
  if (!r.ok()) Raise(r.status());
  return std::move(r).value();
}

// The scenario dict with `overrides` ({path: value} or ["path=value", ...]) applied.
json WithOverrides(const py::dict& scenario, const py::object& overrides) {
  json doc = ToJson(scenario, "scenario");
  if (overrides.is_none()) return doc;
  const json o = ToJson(overrides, "overrides");
  std::vector<std::string> assignments;
  if (o.is_object()) {
    for (const auto& [path, value] : o.items()) assignments.push_back(path + "=" + value.dump());
  } else if (o.is_array()) {
    for (const json& a : o) {
      if (!a.is_string()) throw py::value_error("overrides: a list must hold \"path=value\" strings");
      assignments.push_back(a.get<std::string>());
    }
  } else {
    throw py::value_error("overrides: must be a dict {path: value} or a list of \"path=value\" strings");
  }
  for (const std::string& a : assignments) {
    if (fleetlab::Status s = fleetlab::ApplyOverride(doc, a); !s.ok()) Raise(s);
  }
  return doc;
}

// Runs work(cancel) -> Status on a helper thread with the GIL released,
// waking every 50 ms to let Python run its signal handlers: one that raises
// (Ctrl-C's KeyboardInterrupt) sets `cancel`, the work stops at its next
// slice, and the exception propagates. Otherwise a failed Status raises.
template <typename Work>
void Simulate(Work&& work) {
  std::atomic<bool> cancel{false};
  fleetlab::Status status;
  std::exception_ptr thrown;
  bool interrupted = false;
  {
    py::gil_scoped_release release;  // other Python threads run meanwhile
    std::packaged_task<void()> task([&] {
      try {
        status = work(&cancel);
      } catch (...) {
        thrown = std::current_exception();
      }
    });
    std::future<void> done = task.get_future();
    std::thread worker(std::move(task));
    while (!interrupted && done.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
      py::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) interrupted = true;  // the handler's exception stays set
    }
    if (interrupted) cancel.store(true, std::memory_order_relaxed);
    worker.join();
  }
  if (interrupted) throw py::error_already_set();
  if (thrown) std::rethrow_exception(thrown);
  if (!status.ok()) Raise(status);
}

unsigned Threads(int threads) {
  if (threads < 0 || threads > 1024) throw py::value_error("threads: must be between 0 (every core) and 1024");
  return threads == 0 ? fleetlab::DefaultThreads() : static_cast<unsigned>(threads);
}

// [{...}, {...}] -> {key: [..], ...}: the union of the keys, None where a
// row lacks one; nested objects flattened with dots (params.replica.tp ->
// replica.tp for sweep rows).
nlohmann::ordered_json Columns(const json& rows, const std::vector<std::string>& first) {
  std::vector<std::string> keys = first;
  const auto add = [&keys](const std::string& k) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  };
  std::vector<json> flat;
  for (const json& row : rows) {
    json f = json::object();
    for (const auto& [k, v] : row.items()) {
      if (k == "params" && v.is_object()) {
        for (const auto& [p, pv] : v.items()) f[p] = pv, add(p);
      } else if (!v.is_object() && !v.is_array()) {
        f[k] = v, add(k);
      }
    }
    flat.push_back(std::move(f));
  }
  nlohmann::ordered_json cols = nlohmann::ordered_json::object();
  for (const std::string& k : keys) {
    nlohmann::ordered_json column = nlohmann::ordered_json::array();
    for (const json& f : flat) {
      const auto it = f.find(k);
      column.push_back(it == f.end() ? nlohmann::ordered_json() : nlohmann::ordered_json(*it));
    }
    cols[k] = std::move(column);
  }
  return cols;
}

py::object Run(const py::dict& scenario, const py::object& overrides, bool series) {
  const json doc = WithOverrides(scenario, overrides);
  const fleetlab::Scenario s = Take(fleetlab::ParseScenario(doc, ""));
  json report;
  Simulate([&](const std::atomic<bool>* cancel) {
    fleetlab::RunHooks hooks;
    hooks.kv_heatmap = series;
    hooks.cancel = cancel;
    auto r = fleetlab::RunScenario(s, hooks);
    if (r.ok()) report = fleetlab::ReportToJson(*r, series);
    return r.status();
  });
  return FromJson(report);
}

py::object Frontier(const py::dict& scenario, double low, double high, int points, const std::string& metric,
                    const py::object& overrides, int threads) {
  const json doc = WithOverrides(scenario, overrides);
  fleetlab::Scenario s = Take(fleetlab::ParseScenario(doc, ""));
  fleetlab::FrontierOptions o;
  if (!(low > 0) || !(high > low) || points < 2 || points > 10000) {
    throw py::value_error("rates: need 0 < low < high and 2 <= points <= 10000");
  }
  if (metric != "e2e" && metric != "ttft") throw py::value_error("metric: must be \"e2e\" or \"ttft\"");
  o.rate_low_per_s = low, o.rate_high_per_s = high, o.points = static_cast<std::size_t>(points);
  o.metric = metric == "ttft" ? fleetlab::FrontierMetric::kTtft : fleetlab::FrontierMetric::kE2e;
  o.threads = Threads(threads);
  json out;
  Simulate([&](const std::atomic<bool>* cancel) {
    o.cancel = cancel;
    auto f = fleetlab::RunFrontier(s, o);
    if (f.ok()) out = fleetlab::FrontierToJson(*f);
    return f.status();
  });
  return FromJson(out);
}

py::object Sweep(const py::dict& sweep, int threads) {
  const fleetlab::SweepSpec spec = Take(fleetlab::ParseSweep(ToJson(sweep, "sweep"), ""));
  fleetlab::SweepRunOptions o;
  o.threads = Threads(threads);
  json rows;
  Simulate([&](const std::atomic<bool>* cancel) {
    o.cancel = cancel;
    auto out = fleetlab::RunSweep(spec, o);
    auto parsed = out.ok() ? fleetlab::RowsAsObjects(fleetlab::SweepFormat::kCsv, spec, out->table)
                           : fleetlab::Result<json>(out.status());
    if (parsed.ok()) rows = std::move(parsed).value();
    return parsed.status();
  });
  std::vector<std::string> first = {"index", "key"};
  for (const fleetlab::SweepAxis& a : spec.axes) first.push_back(a.path);
  return FromJson(Columns(rows, first));
}

py::object Plan(const std::string& model, const std::string& gpu, int gpus, std::int64_t prompt, std::int64_t output,
                double ttft_slo_ms, double tpot_slo_ms, double rate_per_s, double prompt_cv, double output_cv,
                bool search_replicas, bool search_disaggregation, const std::string& engine) {
  if (search_disaggregation && !(rate_per_s > 0)) {
    throw py::value_error("search_disaggregation: needs rate_per_s > 0 (a disaggregated configuration is judged only "
                          "at a rate: it has no saturation run)");
  }
  const fleetlab::Catalog catalog = Take(fleetlab::Catalog::LoadDefault());
  fleetlab::PlanRequest r;
  r.model = model, r.gpu = gpu, r.gpus = gpus, r.prompt = prompt, r.output = output;
  r.ttft_slo_s = ttft_slo_ms / 1e3, r.tpot_slo_s = tpot_slo_ms / 1e3;
  r.rate_per_s = rate_per_s, r.prompt_cv = prompt_cv, r.output_cv = output_cv;
  r.search_replicas = search_replicas, r.search_disaggregation = search_disaggregation;
  r.engine = engine;
  json rows;
  Simulate([&](const std::atomic<bool>* cancel) {
    r.cancel = cancel;
    auto plans = fleetlab::PlanSplits(r, catalog);
    if (plans.ok()) rows = json::parse(fleetlab::PlanToJson(*plans, search_disaggregation).dump());
    return plans.status();
  });
  return FromJson(Columns(rows, {"replicas", "tp", "pp"}));
}

py::object Size(const py::dict& question, int threads) {
  const fleetlab::SizingSpec spec = Take(fleetlab::ParseSizing(ToJson(question, "question"), fleetlab::ParseOptions{}));
  fleetlab::SizingOptions o;
  o.threads = Threads(threads);
  json result;
  Simulate([&](const std::atomic<bool>* cancel) {
    o.cancel = cancel;
    auto out = fleetlab::RunSizing(spec, o);
    if (out.ok()) result = fleetlab::SizingToJson(spec, *out);
    return out.status();
  });
  return FromJson(result);
}

}  // namespace

PYBIND11_MODULE(fleetlab, m) {
  m.doc() = "fleetlab: a fast, honest simulator of LLM serving fleets (docs/python.md)";
  m.attr("__version__") = fleetlab::kVersion;
  m.def("run", &Run, py::arg("scenario"), py::arg("overrides") = py::none(), py::arg("series") = false,
        "Simulate one scenario (a dict, docs/scenario.md) with optional overrides ({path: value} or "
        "['path=value']); returns the report as a dict (docs/report.md).");
  m.def("frontier", &Frontier, py::arg("scenario"), py::arg("low"), py::arg("high"), py::arg("points") = 20,
        py::arg("metric") = "e2e", py::arg("overrides") = py::none(), py::arg("threads") = 0,
        "The latency-throughput frontier: column series per rate and the knee (docs/report.md).");
  m.def("sweep", &Sweep, py::arg("sweep"), py::arg("threads") = 0,
        "Run a sweep (a dict, docs/sweep.md; a base path resolves against the working directory); returns "
        "columns: {column: [value per point]}, one column per axis path and metric.");
  m.def("plan", &Plan, py::arg("model"), py::arg("gpu"), py::arg("gpus") = 8, py::arg("prompt") = 512,
        py::arg("output") = 256, py::arg("ttft_slo_ms") = 0.0, py::arg("tpot_slo_ms") = 0.0,
        py::arg("rate_per_s") = 0.0, py::arg("prompt_cv") = 0.0, py::arg("output_cv") = 0.0,
        py::arg("search_replicas") = false, py::arg("search_disaggregation") = false, py::arg("engine") = "",
        "Configurations of `gpus` GPUs, best first, as columns (fleetlab plan --json): every TP x PP split of one "
        "replica; with search_replicas data-parallel replicas too; with rate_per_s > 0 the SLOs judged on P99 at "
        "that rate and ranked by goodput per dollar; with search_disaggregation (needs a rate) prefill/decode pools; "
        "with engine (a catalog engine id) replicas as that engine runs them, on its calibration profile.");
  m.def("size", &Size, py::arg("question"), py::arg("threads") = 0,
        "The cheapest fleets for a sizing question (a dict, docs/sweep.md 'Sizing'); returns the result dict "
        "(fleets, columns, candidates).");
}
