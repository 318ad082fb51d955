#include "fleetlab/util/file_set.h"

#include <gtest/gtest.h>

#include "server/server_test_util.h"

namespace fleetlab {
namespace {

using testing::MakeTempDir;
using testing::WriteFile;

TEST(FileSetTest, ReadsJsonFilesToTheGivenDepth) {
  const std::string dir = MakeTempDir("fileset");
  WriteFile(dir + "/top.json", "1");
  WriteFile(dir + "/notes.md", "not json");
  WriteFile(dir + "/a/one.json", "[1]");
  WriteFile(dir + "/a/deeper/two.json", "2");
  auto two = ReadJsonFolder(dir, 2);
  ASSERT_TRUE(two.ok()) << two.status().message();
  EXPECT_EQ(*two, (FileSet{{"a/one.json", "[1]"}, {"top.json", "1"}}));
  auto one = ReadJsonFolder(dir, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, (FileSet{{"top.json", "1"}}));
  auto none = ReadJsonFolder(dir + "/missing", 2);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(FileSetTest, FilesInListsOneFolderInNameOrder) {
  const FileSet files = {{"gpus/b.json", "B"}, {"gpus/a.json", "A"}, {"gpus/x/c.json", "C"},
                         {"gpusx/d.json", "D"}, {"gpus/e.txt", "E"}, {"links/f.json", "F"}};
  std::vector<std::string> names;
  for (const auto& [path, text] : FilesIn(files, "gpus", ".json")) names.push_back(*path + "=" + *text);
  EXPECT_EQ(names, (std::vector<std::string>{"gpus/a.json=A", "gpus/b.json=B"}));
  EXPECT_TRUE(FilesIn(files, "hosts", ".json").empty());
}

TEST(FileSetTest, JoinPathNamesFilesAsTheDirectoryLoadersDid) {
  EXPECT_EQ(JoinPath("data", "gpus/a.json"), "data/gpus/a.json");
  EXPECT_EQ(JoinPath("data/", "gpus/a.json"), "data/gpus/a.json");
  EXPECT_EQ(JoinPath("", "gpus/a.json"), "gpus/a.json");
}

}  // namespace
}  // namespace fleetlab
