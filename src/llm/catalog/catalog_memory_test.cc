// The catalog and the tracks loaded from files in memory (the WebAssembly
// engine's path) are the ones loaded from their folders, and a bad file is
// named the same way.
#include <gtest/gtest.h>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/tracks/tracks.h"
#include "fleetlab/util/file_set.h"
#include "server/server_test_util.h"

namespace fleetlab {
namespace {

FileSet Folder(const std::string& name) {
  auto files = ReadJsonFolder(testing::SourceDir() + "/" + name, 2);
  EXPECT_TRUE(files.ok()) << files.status().message();
  return files.ok() ? *files : FileSet{};
}

TEST(CatalogFromMemoryTest, EqualsTheCatalogFromItsFolder) {
  auto disk = Catalog::LoadDefault();
  auto memory = Catalog::LoadFiles(Folder("data"));
  ASSERT_TRUE(disk.ok() && memory.ok()) << memory.status().message();
  ASSERT_EQ(memory->models().size(), disk->models().size());
  ASSERT_EQ(memory->gpus().size(), disk->gpus().size());
  ASSERT_EQ(memory->links().size(), disk->links().size());
  ASSERT_EQ(memory->hosts().size(), disk->hosts().size());
  for (std::size_t i = 0; i < disk->models().size(); ++i) {
    EXPECT_EQ(memory->models()[i].id, disk->models()[i].id);
    EXPECT_EQ(memory->models()[i].TotalParams(), disk->models()[i].TotalParams());
  }
  for (std::size_t i = 0; i < disk->gpus().size(); ++i) {
    EXPECT_EQ(memory->gpus()[i].id, disk->gpus()[i].id);
    EXPECT_EQ(memory->gpus()[i].memory_bandwidth_Bps, disk->gpus()[i].memory_bandwidth_Bps);
  }
}

TEST(CatalogFromMemoryTest, ABadFileIsNamedWithTheRoot) {
  FileSet files = Folder("data");
  files["gpus/h100-sxm.json"] = R"({"id": "h100-sxm"})";
  auto c = Catalog::LoadFiles(files, "data");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message().rfind("data/gpus/h100-sxm.json: ", 0), 0u) << c.status().message();
  files["gpus/h100-sxm.json"] = "{";
  c = Catalog::LoadFiles(files, "data");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message().rfind("data/gpus/h100-sxm.json: not valid JSON", 0), 0u) << c.status().message();
  files.erase("gpus/h100-sxm.json");
  files["gpus/h200.json"] = Folder("data")["gpus/h200.json"];
  files["gpus/renamed.json"] = Folder("data")["gpus/l4.json"];
  c = Catalog::LoadFiles(files, "data");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "data/gpus/renamed.json: id: must equal the file name \"renamed\" (got \"l4\")");
}

TEST(TracksFromMemoryTest, EqualTheTracksFromTheirFolder) {
  auto catalog = Catalog::LoadDefault();
  ASSERT_TRUE(catalog.ok());
  auto disk = LoadTracks(testing::SourceDir() + "/tracks");
  auto memory = LoadTracksFromFiles(Folder("tracks"), "tracks", *catalog);
  ASSERT_TRUE(disk.ok() && memory.ok()) << memory.status().message();
  ASSERT_EQ(memory->size(), disk->size());
  for (std::size_t t = 0; t < disk->size(); ++t) {
    ASSERT_EQ((*memory)[t].parts.size(), (*disk)[t].parts.size());
    for (std::size_t i = 0; i < (*disk)[t].parts.size(); ++i) {
      const TrackPart& a = (*disk)[t].parts[i];
      const TrackPart& b = (*memory)[t].parts[i];
      EXPECT_EQ(b.track + "/" + b.id, a.track + "/" + a.id);
      EXPECT_EQ(b.file, "tracks/" + a.track + "/" + a.id + ".json");
      EXPECT_EQ(b.document, a.document);
      EXPECT_EQ(b.lab, a.lab);
      EXPECT_EQ(b.controls.size(), a.controls.size());
    }
  }
}

TEST(TracksFromMemoryTest, AMissingPartIsNamedAsAMissingFile) {
  auto catalog = Catalog::LoadDefault();
  ASSERT_TRUE(catalog.ok());
  FileSet files = Folder("tracks");
  files.erase("cloud-titan/part2.json");
  auto tracks = LoadTracksFromFiles(files, "tracks", *catalog);
  ASSERT_FALSE(tracks.ok());
  EXPECT_EQ(tracks.status().message(), "tracks/cloud-titan/part2.json: cannot open the file");
}

}  // namespace
}  // namespace fleetlab
