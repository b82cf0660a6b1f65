// End-to-end helpers: run build/meetleak in a temp dir and parse its JSON.
#ifndef MEETLEAK_TESTS_CLI_CLI_FIXTURE_H_
#define MEETLEAK_TESTS_CLI_CLI_FIXTURE_H_

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/shared_corpus.h"
#include "tests/support/temp_dir.h"

namespace meetleak::testing {

class CliTest : public ::testing::Test {
 protected:
  // Runs meetleak with `args` in the temp dir (so ./meetleak.db lands there).
  ProgramResult Meetleak(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), MeetleakBinary());
    return RunProgram(args, stdin_text, dir_.path());
  }
  static nlohmann::json Json(const ProgramResult& r) {
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.out << "\nstderr: " << r.err;
    return j;
  }
  // The findings whose one key equals `key` (meeting_id, vanity or token).
  static std::vector<nlohmann::json> FindingsFor(const nlohmann::json& j, const std::string& key) {
    std::vector<nlohmann::json> out;
    for (const auto& f : j["findings"])
      for (const char* k : {"meeting_id", "vanity", "token"})
        if (f[k].is_string() && f[k] == key) out.push_back(f);
    return out;
  }
  TempDir dir_;
};

}  // namespace meetleak::testing

#endif  // MEETLEAK_TESTS_CLI_CLI_FIXTURE_H_
