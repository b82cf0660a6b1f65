// What bench_match and bench_scan share: the peer's pattern and the 1,000
// planted references of mixed forms and wrappers.
#ifndef MEETLEAK_BENCH_PLANTED_H_
#define MEETLEAK_BENCH_PLANTED_H_

#include <string>
#include <utility>

namespace meetleak::bench {

// The peer's pattern (rg -j1): Zoom meeting URLs and "meeting id" lines.
inline const char kRgPattern[] =
    R"((?i)(?:https?://)?(?:[a-z0-9-]+\.)*zoom(?:gov)?\.(?:us|com)/(?:j|w|s|my|wc/join)/[0-9A-Za-z._-]+|meeting id:?\s*[0-9][0-9 -]{8,13})";

inline constexpr int kPlanted = 1000;

inline std::string Id(int k) {
  return std::to_string(81000000000LL + 7919LL * k);
}  // 11 digits, unique
inline std::string Grouped(const std::string& id) {
  return id.substr(0, 3) + " " + id.substr(3, 4) + " " + id.substr(7);
}

// Planted reference k (mixed forms and wrappers) and the key it must yield.
inline std::pair<std::string, std::string> Plant(int k) {
  std::string id = Id(k);
  std::string vanity = "person" + std::to_string(k);
  std::string token = "tok" + std::to_string(100000000 + k) + "Xy";  // first 12 chars unique
  switch (k % 17) {
    case 0:
      return {"Join: https://us02web.zoom.us/j/" + id + "?pwd=Sec" + std::to_string(k), id};
    case 1:
      return {"https://acme-corp.zoom.us/s/" + id + "?zak=eyJ" + std::to_string(k), id};
    case 2:
      return {"zoom.us/w/" + id, id};
    case 3:
      return {"https://zoom.us/my/" + vanity, vanity};
    case 4:
      return {"https://zoom.us/rec/share/" + token + "AbCdEf.1", token.substr(0, 12)};
    case 5:
      return {"https://zoom.us/webinar/register/" + token, token.substr(0, 12)};
    case 6:
      return {"zoommtg://zoom.us/join?action=join&confno=" + id + "&pwd=x", id};
    case 7:
      return {"intent://zoom.us/join?confno=" + id + "#Intent;scheme=zoomus;end", id};
    case 8:
      return {"Meeting ID: " + Grouped(id) + "<br>Passcode: 424242", id};
    case 9:
      return {"ID de r&eacute;union&nbsp;: " + Grouped(id), id};
    case 10:
      return {"+16699009128,," + id + "#,,,,*424242# US", id};
    case 11:
      return {"<a href=\"tel:+16699009128%2C%2C" + id + "%23\">tap</a>", id};
    case 12:
      return {id + "@zoomcrc.com", id};
    case 13:
      return {"https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F" + id + "%3Fpwd%3Dx&sa=D",
              id};
    case 14:
      return {"https:\\/\\/zoom.us\\/j\\/" + id, id};
    case 15:
      return {"zoom[.]us/j/" + id, id};
    default:
      return {"room " + Grouped(id) + " today", id};  // a bare inventory ID
  }
}

}  // namespace meetleak::bench

#endif  // MEETLEAK_BENCH_PLANTED_H_
