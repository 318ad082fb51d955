#include "cli/catalog_import.h"

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/llm/hf_import.h"
#include "fleetlab/util/file.h"
#include "fleetlab/util/json.h"

namespace fleetlab::cli {
namespace {

namespace fs = std::filesystem;

void Fail(CommandContext& ctx, const std::string& message) {
  ctx.err << "fleetlab: " << message << "\n";
  ctx.exit_code = 2;
}

// The catalog's loader reads the file it would write: a model file that
// does not load is never printed.
Status CheckLoads(const nlohmann::json& model) {
  std::error_code ec;
  const fs::path dir = fs::temp_directory_path(ec) / fmt::format("fleetlab-import-{}", ::getpid());
  fs::create_directories(dir / "models", ec);
  if (ec) return Status::IoError(fmt::format("{}: cannot create a folder to check the file", dir.string()));
  const fs::path file = dir / "models" / (model["id"].get<std::string>() + ".json");
  std::ofstream(file) << model.dump(2) << "\n";
  auto loaded = Catalog::LoadOverlayDirectory(dir.string());
  fs::remove_all(dir, ec);
  return loaded.ok() ? Status::Ok() : loaded.status();
}

}  // namespace

CLI::App* AddImportSubcommand(CLI::App& catalog, const std::shared_ptr<ImportArgs>& a) {
  auto* cmd = catalog.add_subcommand("import-hf", "Write a catalog model file from a Hugging Face config.json "
                                                  "(dense, GQA, MoE, MLA, sliding window), every number citing "
                                                  "the config key it came from.");
  cmd->add_option("config", a->config, "The model's config.json.")->required()->check(CLI::ExistingFile);
  cmd->add_option("--name", a->name, "Catalog id (default: from the config's _name_or_path or model_type).");
  cmd->add_option("--source", a->source,
                  "How the sources cite the file, e.g. \"Hugging Face deepseek-ai/DeepSeek-V3 config.json\" "
                  "(default: \"Hugging Face config.json (PATH)\").");
  cmd->add_option("--out", a->out, "Write the model file here (e.g. mydata/models/ID.json) instead of printing it.");
  return cmd;
}

void RunImport(CommandContext& ctx, const ImportArgs& a) {
  auto text = ReadTextFile(a.config, "config file");
  if (!text.ok()) return Fail(ctx, text.status().message());
  auto config = ParseJsonText(*text, a.config);
  if (!config.ok()) return Fail(ctx, config.status().message());
  HfImportOptions o;
  o.id = a.name;
  o.source = a.source.empty() ? fmt::format("Hugging Face config.json ({})", a.config) : a.source;
  auto model = ImportHfConfig(*config, o);
  if (!model.ok()) return Fail(ctx, fmt::format("{}: {}", a.config, model.status().message()));
  if (Status s = CheckLoads(*model); !s.ok()) return Fail(ctx, fmt::format("{}: the file would not load: {}", a.config, s.message()));
  const std::string json = model->dump(2) + "\n";
  if (a.out.empty()) return (void)(ctx.out << json);
  std::ofstream file(a.out, std::ios::binary);
  file << json;
  if (!file) return Fail(ctx, fmt::format("--out {}: cannot write the file", a.out));
  ctx.out << fmt::format("wrote {} ({})\n", a.out, (*model)["id"].get<std::string>());
}

}  // namespace fleetlab::cli
