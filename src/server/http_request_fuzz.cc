// libFuzzer target: whole HTTP requests (method, path, headers, body)
// through the lab server's router with every route, the real catalog and
// tracks, and the static files; a deferred job runs with its cancel flag
// already set (so a simulation stops at its first check). Every reply must
// be a status in 200..599 with valid UTF-8 JSON under /api. Built by
// `make fuzz` (clang, ASan + UBSan).
//
// Input: "METHOD PATH\n", then "name: value\n" header lines, an empty line,
// then the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "server/lab_app.h"
#include "server/utf8.h"

namespace {

using fleetlab::server::HttpRequest;
using fleetlab::server::HttpResponse;

fleetlab::server::LabApp& App() {
  static auto app = [] {
    fleetlab::LabServerOptions o;
    o.workers = 1;
    o.answer = &fleetlab::AnswerPart;
    return fleetlab::server::MakeLabApp(o).value();
  }();
  return *app;
}

// Splits `text` at the first '\n' (the line without it); "" and all of it
// when there is none.
std::string TakeLine(std::string& text) {
  const auto nl = text.find('\n');
  std::string line = text.substr(0, nl);
  text = nl == std::string::npos ? "" : text.substr(nl + 1);
  return line;
}

HttpRequest Parse(std::string text) {
  HttpRequest req;
  const std::string first = TakeLine(text);
  const auto space = first.find(' ');
  req.method = first.substr(0, space);
  req.raw_path = space == std::string::npos ? "/" : first.substr(space + 1);
  for (std::string line = TakeLine(text); !line.empty(); line = TakeLine(text)) {
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(name, colon == std::string::npos ? "" : line.substr(colon + 1 + (line[colon + 1] == ' ')));
  }
  req.body = text;
  return req;
}

void Check(const HttpRequest& req, const HttpResponse& res) {
  if (res.status < 200 || res.status > 599) std::abort();
  if (req.raw_path.rfind("/api/", 0) == 0 && res.content_type == "application/json") {
    if (!fleetlab::server::IsValidUtf8(res.body)) std::abort();
    if (nlohmann::json::parse(res.body, nullptr, false).is_discarded()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const HttpRequest req = Parse(std::string(reinterpret_cast<const char*>(data), size));
  HttpResponse res = App().router.Handle(req);
  if (res.deferred) {
    std::atomic<bool> cancel{true};
    fleetlab::server::JobContext job{&cancel};
    fleetlab::server::Job run = std::move(res.deferred);
    res.deferred = nullptr;
    run(job, res);
  }
  Check(req, res);
  return 0;
}
