// The owners' HTML report in a real browser: Debian's headless Chromium
// (--no-sandbox as root, file:// only, nothing else reachable) renders it at
// 1280 and 390 px. The screenshots have the asked size and are not blank;
// at 390 px nothing overflows sideways — measured by a one-line script that
// writes the report's document.documentElement.scrollWidth into the title,
// read back with --dump-dom.
//
// Headless Chromium never makes a window narrower than 500 px (with
// --window-size=390,900 a page reads innerWidth 500, and the screenshot is
// that layout cut at 390), so the report is shown in an iframe of exactly
// the width, in a one-line page of the test's own; the report itself is
// unchanged (no script: its CSP forbids them).
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "report/render.h"
#include "tests/report/fixtures.h"

namespace meetleak {
namespace {

using testing::ProgramResult;
using testing::TempDir;

// The fixture with what a real report carries: a header, a history, a
// long unbroken URL and a context cut mid-tag.
std::string ReportHtml() {
  std::vector<Finding> findings = testing::ReportFixture();
  findings[0].history = {{"2026-11-26T11:00:00Z", "acknowledged", "owner", "asked the blog"}};
  findings[0].context =
      "f=\"x\"><p>Weekly sync: <a href=\"https://acme-corp.zoom.us/j/85512345678?pwd=\xE2\x80\xA6"
      "redacted\xE2\x80\xA6\">join</a></p>";
  findings[3].page_url =
      "https://example.org/a/very/long/path/without/any/break/" + std::string(200, 'x');
  RenderOptions options;
  options.header.generated_at = "2026-12-04T10:00:00Z";
  options.header.status = LeakStatus::kOpen;
  options.header.sources = {"https://example.org/feed.xml"};
  options.header.security_contact = "secops@acme.example";
  return RenderFindings(findings, ReportFormat::kHtml, options);
}

std::vector<std::string> Chromium(const TempDir& dir, int width, std::vector<std::string> args) {
  std::vector<std::string> argv = {"/usr/bin/chromium",
                                   "--headless",
                                   "--disable-gpu",
                                   "--hide-scrollbars",
                                   "--force-device-scale-factor=1",
                                   "--no-first-run",
                                   "--user-data-dir=" + (dir.path() / "profile").string(),
                                   "--window-size=" + std::to_string(width) + ",900"};
  if (::geteuid() == 0) argv.push_back("--no-sandbox");
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// {"width", "height", "colors", "dark"} of a PNG: its size, the number of
// distinct colours, and the share of pixels darker than mid-grey (text).
nlohmann::json PngFacts(const std::string& path) {
  const std::string script = R"py(
import json, struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR": ihdr = struct.unpack(">IIBBBBB", body)
    if kind == b"IDAT": idat += body
    pos += 12 + n
w, h, depth, ctype = ihdr[:4]
assert depth == 8 and ctype in (2, 6), ihdr
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, colors, dark = bytearray(stride), set(), 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        px = bytes(line[x:x + 3])
        colors.add(px)
        dark += sum(px) < 384
    prev = line
print(json.dumps({"width": w, "height": h, "colors": len(colors), "dark": dark / (w * h)}))
)py";
  ProgramResult r = testing::RunPython(script, "", {path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, false);
}

// A page holding the report in an iframe `width` px wide, 900 high; with a
// probe, the frame's scrollWidth goes into the page's title once it loaded.
std::filesystem::path Frame(const TempDir& dir, int width, bool probe,
                            const std::string& src = "report.html") {
  const std::string name = "frame-" + std::to_string(width) + (probe ? "-probe-" : "-") + src;
  return dir.Write(name,
                   "<!DOCTYPE html><html><head><title>-</title></head><body style=\"margin:0\">"
                   "<iframe src=\"" +
                       src + "\" width=\"" + std::to_string(width) +
                       "\" height=\"900\" style=\"border:0;display:block\"" +
                       (probe ? " onload=\"var d = this.contentDocument, o = ''; "
                                "d.querySelectorAll('body *').forEach(function (e) { "
                                "if (e.getBoundingClientRect().right > " +
                                    std::to_string(width) +
                                    ") o += ' ' + e.tagName + '.' + e.className; }); "
                                    "document.title = 'W' + d.documentElement.scrollWidth + o\""
                              : "") +
                       "></iframe></body></html>");
}

TEST(ReportBrowserTest, ScreenshotsAtDesktopAndPhoneWidthsShowTheReport) {
  TempDir dir;
  dir.Write("report.html", ReportHtml());
  for (int width : {1280, 390}) {
    const std::string png = (dir.path() / ("report-" + std::to_string(width) + ".png")).string();
    ProgramResult r = testing::RunProgram(Chromium(
        dir, width, {"--screenshot=" + png, "file://" + Frame(dir, width, false).string()}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json facts = PngFacts(png);
    EXPECT_EQ(facts["width"], width);
    EXPECT_EQ(facts["height"], 900);
    EXPECT_GT(facts["colors"].get<int>(), 20) << "a blank page has one or two colours";
    EXPECT_GT(facts["dark"].get<double>(), 0.005) << "some text is drawn";
  }
}

TEST(ReportBrowserTest, NothingOverflowsSidewaysAtPhoneWidth) {
  TempDir dir;
  dir.Write("report.html", ReportHtml());
  for (int width : {390, 1280}) {
    // The probe reads the framed report: file:// frames share no origin
    // unless Chromium is told they may.
    ProgramResult r = testing::RunProgram(Chromium(dir, width,
                                                   {"--allow-file-access-from-files", "--dump-dom",
                                                    "file://" + Frame(dir, width, true).string()}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex("<title>W(\\d+)([^<]*)</title>"))) << r.out;
    EXPECT_LE(std::stoi(m[1]), width) << "horizontal overflow at " << width << " px, by" << m[2];
  }
  // The probe sees an overflow when there is one.
  dir.Write("wide.html", "<!DOCTYPE html><body><div style=\"width:600px\">wide</div></body>");
  ProgramResult r =
      testing::RunProgram(Chromium(dir, 390,
                                   {"--allow-file-access-from-files", "--dump-dom",
                                    "file://" + Frame(dir, 390, true, "wide.html").string()}));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("<title>W(\\d+)([^<]*)</title>"))) << r.out;
  EXPECT_GT(std::stoi(m[1]), 390);
}

}  // namespace
}  // namespace meetleak
