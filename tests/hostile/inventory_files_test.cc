// Inventory files that are no inventory: a directory, an empty file,
// /dev/null, a CSV without its header line, a header-only CSV over a full
// inventory. None may silently empty the stored inventory.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/hostile/hostile_fixture.h"

namespace meetleak::testing {
namespace {

class InventoryFilesTest : public HostileTest {
 protected:
  void SetUp() override {
    dir_.Write("meetings.csv", kMeetings);
    ProgramResult r = Meetleak({"inventory", "import", "meetings.csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Imports `path`; expects exit 2 naming it and the stored meeting kept.
  void ExpectRefusedAndKept(const std::string& path, const std::string& why) {
    ProgramResult r = Meetleak({"inventory", "import", path});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
    ProgramResult list = Meetleak({"inventory", "list"});
    EXPECT_NE(list.out.find("85512345678"), std::string::npos) << "the inventory was wiped";
  }
};

TEST_F(InventoryFilesTest, ImportOfADirectoryIsExitTwoNotAnEmptyInventory) {
  std::filesystem::create_directory(dir_.path() / "folder");
  ExpectRefusedAndKept("folder", "is a directory");
  ExpectRefusedAndKept("/tmp", "is a directory");
}

TEST_F(InventoryFilesTest, ImportOfDevNullIsExitTwo) {
  ExpectRefusedAndKept("/dev/null", "not a regular file");
}

TEST_F(InventoryFilesTest, ImportOfAnEmptyFileIsExitTwo) {
  dir_.Write("empty.csv", "");
  ExpectRefusedAndKept("empty.csv", "needs its header line");
  dir_.Write("blank.csv", "\xEF\xBB\xBF\r\n\n");
  ExpectRefusedAndKept("blank.csv", "needs its header line");
}

TEST_F(InventoryFilesTest, CsvWithoutItsHeaderLineIsExitTwo) {
  dir_.Write("rows.csv", "85512345679,ben@acme.example,Webinar,webinar\n");
  ExpectRefusedAndKept("rows.csv", "header");
}

TEST_F(InventoryFilesTest, ImportThatWouldEmptyTheInventoryNeedsAllowEmpty) {
  dir_.Write("header_only.csv", "meeting_id,owner_email,topic,kind\n");
  ExpectRefusedAndKept("header_only.csv", "--allow-empty");
  ProgramResult r = Meetleak({"inventory", "import", "header_only.csv", "--allow-empty"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(Meetleak({"inventory", "list"}).out.find("0 meetings"), std::string::npos);
}

TEST_F(InventoryFilesTest, ConfiguredInventoryThatIsADirectoryStopsTheCommand) {
  std::filesystem::create_directory(dir_.path() / "inv");
  dir_.Write("meetleak.toml", "[company]\ninventory = \"inv\"\n");
  ProgramResult r = Meetleak({"inventory", "list"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
}

TEST_F(InventoryFilesTest, ConfigThatIsADirectoryIsExitTwo) {
  std::filesystem::create_directory(dir_.path() / "conf");
  ProgramResult r = Meetleak({"--config", "conf", "config", "check"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(r.out.find("OK"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("conf: is a directory"), std::string::npos) << r.err;
  EXPECT_EQ(Meetleak({"--config", "/dev/null", "config", "check"}).exit_code, 2);
}

}  // namespace
}  // namespace meetleak::testing
