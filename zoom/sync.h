// zoom::ReadInventory: the company's meetings and personal links as Zoom
// holds them (../shared/DESIGN.md, "Zoom integration").
//
//   Result<zoom::SyncResult> r = zoom::ReadInventory(*client, previous_zoom_rows, clock);
//   if (!r.ok()) …               // nothing is to change: the old inventory stays
//   if (r->diff.ShrinksTooMuch() && !allow_shrink) …
//   store.ReplaceZoomInventory(r->meetings, r->links);
//
// Reads every active user (GET /users?status=active), each user's PMI and
// personal link name (GET /users/{id}), settings (GET /users/{id}/settings),
// scheduled and upcoming meetings (GET /users/{id}/meetings with
// type=scheduled and type=upcoming_meetings) and webinars (GET
// /users/{id}/webinars; a user without a webinar plan answers an error:
// one warning for the sync, not a failure), every list paged by 300. A
// meeting's details (GET /meetings/{id}: passcode set, waiting room, join
// before host, recurrence end) are read only when it is new or its list
// entry changed, plus the stalest `rolling_share` of the rest: the requests
// stay within (1 + rolling_share) × the fewest that the paging allows.
//
// Rows come out with source kZoom, owner = the host's e-mail, kind from
// Zoom's type (2 scheduled, 3/8 recurring, 4 pmi, 5/6/9 webinar). A meeting
// of `previous` missing from Zoom now keeps its row with expired_at = now (a
// row already expired keeps its date); a one-off meeting (or webinar) 30
// days past its start, or a series 30 days past its end, gets expired_at.
// Any failed call fails the whole read (kUnavailable/kRefused naming the
// call): a half-read inventory is never returned.
#ifndef MEETLEAK_ZOOM_SYNC_H_
#define MEETLEAK_ZOOM_SYNC_H_

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "matchers/inventory.h"
#include "zoom/client.h"

namespace meetleak::zoom {

struct SyncOptions {
  double rolling_share = 0.04;  // extra detail reads, as a share of the necessary requests
};

// What changed against the previous Zoom rows (live ones: expired_at unset).
struct SyncDiff {
  std::vector<InventoryMeeting> added, removed, changed;  // removed: live before, not now
  std::vector<PersonalLink> links_added, links_removed, links_changed;
  std::size_t previous_live = 0;  // live Zoom meetings + links before the sync
  // More than a fifth of the previous live rows would go.
  bool ShrinksTooMuch() const;
};

struct SyncResult {
  std::vector<InventoryMeeting> meetings;  // every Zoom row to store, expired ones included
  std::vector<PersonalLink> links;
  SyncDiff diff;
  std::vector<std::string> warnings;  // e.g. users without a webinar plan
  int users = 0;
  int api_requests = 0;     // sent, retries included (token requests apart)
  int fewest_requests = 0;  // the list pages + per-user reads + details of new/changed meetings
};

Result<SyncResult> ReadInventory(Client& client, const std::vector<InventoryMeeting>& previous,
                                 const std::vector<PersonalLink>& previous_links, Clock* clock,
                                 const SyncOptions& options = {});

}  // namespace meetleak::zoom

#endif  // MEETLEAK_ZOOM_SYNC_H_
