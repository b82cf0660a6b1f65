// Every WARC and ARC file of ../shared/corpus/warc, read in place: no crash,
// no hang; for the files an independent reader (oracle.py, Python's zlib and
// a dozen lines of framing) reads whole, the same records in the same order;
// for the broken ones, warnings naming the file and an offset, and the
// records before the damage still read; every ARC file refused clearly.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "archive/warc.h"
#include "tests/support/shared_corpus.h"
#include "tests/support/temp_dir.h"

namespace meetleak {
namespace {

namespace fs = std::filesystem;

struct Read {
  std::vector<std::string> records;  // "type\turi\tlength", as oracle.py prints them
  std::vector<std::string> warnings;
  Status status;
};

Read ReadArchive(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  IstreamSource source(&in);
  WarcReader reader(&source, path.filename().string());
  Read out;
  WarcRecord record;
  while (reader.Next(&record)) {
    out.records.push_back(record.type + "\t" + record.target_uri + "\t" +
                          std::to_string(record.content_length));
  }
  out.warnings = reader.TakeWarnings();
  out.status = reader.status();
  return out;
}

std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(testing::SharedDir() / "corpus/warc")) {
    std::string name = entry.path().filename().string();
    if (name.find(".warc") != std::string::npos || name.find(".arc") != std::string::npos) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(WarcCorpusTest, EveryFileReadAsTheOracleReadsItOrWarnedOrRefused) {
  MEETLEAK_REQUIRE_SHARED();
  std::vector<fs::path> files = CorpusFiles();
  ASSERT_GE(files.size(), 20u);
  int whole = 0, broken = 0, arc = 0;
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.string());
    std::string name = path.filename().string();
    Read got = ReadArchive(path);
    if (name.ends_with(".arc") || name.ends_with(".arc.gz")) {
      ++arc;
      EXPECT_EQ(got.status.code(), Status::Code::kInvalidInput);
      EXPECT_NE(got.status.message().find(name + ": an ARC file"), std::string::npos)
          << got.status.message();
      EXPECT_TRUE(got.records.empty());
      continue;
    }
    EXPECT_TRUE(got.status.ok()) << got.status.ToString();
    testing::ProgramResult oracle =
        testing::RunProgram({MEETLEAK_PYTHON, MEETLEAK_ARCHIVE_ORACLE, path.string()});
    std::vector<std::string> expected;
    std::istringstream lines(oracle.out);
    for (std::string line; std::getline(lines, line);) expected.push_back(line);
    if (oracle.exit_code == 0) {
      ++whole;
      EXPECT_EQ(got.records, expected);
      EXPECT_TRUE(got.warnings.empty()) << got.warnings.front();
      continue;
    }
    ++broken;
    ASSERT_FALSE(got.warnings.empty()) << "a broken file read without a warning: " << oracle.err;
    for (const std::string& w : got.warnings) {
      EXPECT_EQ(w.rfind(name + ": offset ", 0), 0u) << w;
    }
    // What the oracle read before it gave up, the reader read too.
    ASSERT_GE(got.records.size(), expected.size());
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), got.records.begin()));
  }
  EXPECT_GE(whole, 14);
  EXPECT_GE(broken, 2);
  EXPECT_GE(arc, 3);
}

}  // namespace
}  // namespace meetleak
