// A gtest fixture for tests of the lab server over HTTP: a temporary folder
// with the fixture tracks (server_test_util.h), options for a server on a
// free port, and a client to POST and GET with. Tests set options_ (and
// write files under root_) before Start().
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "fleetlab/server/lab_server.h"
#include "server/server_test_util.h"

namespace fleetlab::testing {

class LabServerFixture : public ::testing::Test {
 protected:
  // `tag` names the temporary folder.
  explicit LabServerFixture(std::string tag) : tag_(std::move(tag)) {}

  void SetUp() override {
    root_ = MakeTempDir(tag_);
    WriteFixtureTracks(root_ + "/tracks");
    options_.port = 0;
    options_.tracks_dir = root_ + "/tracks";
    options_.static_dir = root_ + "/static";
    options_.workers = 2;
  }
  void TearDown() override {
    if (server_) server_->Stop();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  void Start() {
    auto server = LabServer::Create(options_);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(server).value();
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(60);
  }

  // POSTs `body` to /api/v1/<path>; returns the status (-1: no answer) and
  // sets *out to the parsed answer.
  int Post(const std::string& path, const std::string& body, nlohmann::json* out = nullptr) {
    auto res = client_->Post(("/api/v1/" + path).c_str(), body, "application/json");
    if (!res) return -1;
    if (out != nullptr) *out = nlohmann::json::parse(res->body, nullptr, false);
    return res->status;
  }
  int Get(const std::string& path, nlohmann::json* out = nullptr) {
    auto res = client_->Get(path.c_str());
    if (!res) return -1;
    if (out != nullptr) *out = nlohmann::json::parse(res->body, nullptr, false);
    return res->status;
  }

  std::string tag_;
  std::string root_;
  LabServerOptions options_;
  std::unique_ptr<LabServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace fleetlab::testing
