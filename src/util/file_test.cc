#include "fleetlab/util/file.h"

#include <sys/stat.h>

#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "server/server_test_util.h"

namespace fleetlab {
namespace {

using testing::MakeTempDir;
using testing::WriteFile;

TEST(ReadTextFileTest, ReadsAFileUpToItsBound) {
  const std::string dir = MakeTempDir("readtext");
  WriteFile(dir + "/s.json", std::string(100, 'x'));
  auto whole = ReadTextFile(dir + "/s.json", "scenario", 100);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  EXPECT_EQ(*whole, std::string(100, 'x'));
  auto over = ReadTextFile(dir + "/s.json", "scenario", 99);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), Status::Code::kOutOfRange);
  EXPECT_EQ(over.status().message(), dir + "/s.json: the scenario holds more than 99 bytes, the most fleetlab reads");
}

TEST(ReadTextFileTest, NamesWhatCannotBeRead) {
  const std::string dir = MakeTempDir("readtext");
  EXPECT_EQ(ReadTextFile(dir + "/missing", "trace file").status().message(),
            dir + "/missing: cannot open the trace file");
  EXPECT_EQ(ReadTextFile(dir, "trace file").status().message(), dir + ": is a directory, not a trace file");
  // A device never ends (it read until memory ran out): refused unread.
  EXPECT_EQ(ReadTextFile("/dev/zero", "scenario").status().message(),
            "/dev/zero: is not a file or a pipe, not a scenario");
}

TEST(ReadTextFileTest, APipeIsReadAndBoundedAsItIsRead) {
  const std::string dir = MakeTempDir("readtext");
  const std::string fifo = dir + "/pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto feed = [&](std::size_t bytes) {
    return std::thread([fifo, bytes] { std::ofstream(fifo, std::ios::binary) << std::string(bytes, 'y'); });
  };
  std::thread small = feed(200'000);  // several 64 KiB chunks
  auto read = ReadTextFile(fifo, "scenario", 200'000);
  small.join();
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->size(), 200'000u);
  std::thread large = feed(100'000);
  auto over = ReadTextFile(fifo, "scenario", 70'000);
  EXPECT_EQ(over.status().code(), Status::Code::kOutOfRange);
  large.join();  // the writer finishes (or fails) once the reader has closed the pipe
}

}  // namespace
}  // namespace fleetlab
