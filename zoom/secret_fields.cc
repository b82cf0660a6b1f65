// Reading API answers without their secrets: nlohmann::json's parser
// callback sees every key and value as it is parsed, so a secret never
// reaches the tree that the rest of meetleak reads.
#include <openssl/crypto.h>

#include <array>
#include <utility>
#include <vector>

#include "base/ascii.h"
#include "zoom/internal.h"

namespace meetleak::zoom::internal {
namespace {

using json = nlohmann::json;

// Fields whose value is a passcode: kept as "a passcode is set".
constexpr std::array<std::string_view, 5> kPasscodeFields = {
    "password", "h323_password", "pstn_password", "encrypted_password", "pmi_password"};
// Fields dropped whatever their value: links that carry a passcode or a
// host token.
constexpr std::array<std::string_view, 4> kDroppedFields = {"start_url", "join_url",
                                                            "personal_meeting_url", "access_token"};

enum class Field { kPlain, kPasscode, kDropped };

Field Classify(std::string_view key) {
  for (std::string_view f : kPasscodeFields)
    if (ascii::EqualsIgnoreCase(key, f)) return Field::kPasscode;
  for (std::string_view f : kDroppedFields)
    if (ascii::EqualsIgnoreCase(key, f)) return Field::kDropped;
  if (ascii::Lower(key).find("zak") != std::string::npos) return Field::kDropped;
  return Field::kPlain;
}

// A string that carries a secret parameter whatever its key.
bool CarriesSecret(std::string_view s) {
  const std::string lower = ascii::Lower(s);
  for (std::string_view p : {"pwd=", "zak=", "tk="}) {
    std::size_t at = lower.find(p);
    while (at != std::string::npos) {
      if (at == 0 || !ascii::IsAlnum(lower[at - 1])) return true;
      at = lower.find(p, at + 1);
    }
  }
  return false;
}

}  // namespace

void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

Result<json> ParseWithoutSecrets(std::string& body, const PasscodeDigest& digest) {
  // pending[d]: the kind (and name) of the key just read at depth d.
  struct Pending {
    Field field = Field::kPlain;
    std::string key;
  };
  std::vector<Pending> pending;
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    const auto d = static_cast<std::size_t>(depth);
    if (pending.size() <= d) pending.resize(d + 1);
    switch (event) {
      case json::parse_event_t::key: {
        const std::string& key = parsed.get_ref<const std::string&>();
        const Field f = Classify(key);
        if (f == Field::kDropped) return false;  // key and value never stored
        pending[d] = {f, f == Field::kPasscode ? key : std::string()};
        return true;
      }
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start: {
        const Field f = pending[d].field;
        pending[d] = {};
        return f == Field::kPlain;  // a structured passcode value is skipped whole
      }
      case json::parse_event_t::value: {
        const Pending p = std::exchange(pending[d], Pending{});
        const Field f = p.field;
        if (parsed.is_string()) {
          std::string& s = parsed.get_ref<std::string&>();
          if (f == Field::kPasscode) {
            json replacement = digest && !s.empty() ? json(digest(p.key, s)) : json(!s.empty());
            Wipe(s);
            parsed = std::move(replacement);
            return true;
          }
          if (CarriesSecret(s)) {
            Wipe(s);
            return false;
          }
        } else if (f == Field::kPasscode) {
          parsed = !parsed.is_null();
        }
        return true;
      }
      default:
        return true;
    }
  };
  json result;
  try {
    result = json::parse(body, callback);
  } catch (const json::exception&) {
    Wipe(body);
    return Status::Unavailable("the answer is not JSON");
  }
  Wipe(body);
  return result;
}

}  // namespace meetleak::zoom::internal
