// TEMPORARY link fallback for Inventory::FromRows while matchers/ has not
// landed its inventory.cc: linked after meetleak_matchers, so the linker
// takes the real definition whenever the archive has one and this one only
// when it does not. It fills the rows only (no lookup maps), which is all
// LeakStore::LoadInventory's tests read. Delete once matchers/inventory.cc
// is committed.
#include "matchers/inventory.h"

namespace meetleak {

Inventory Inventory::FromRows(std::vector<InventoryMeeting> meetings,
                              std::vector<PersonalLink> links) {
  Inventory inv;
  inv.meeting_rows_ = std::move(meetings);
  inv.link_rows_ = std::move(links);
  return inv;
}

}  // namespace meetleak
