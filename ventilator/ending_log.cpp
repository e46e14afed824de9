#include "ventilator/ending_log.hpp"

#include <bit>

namespace zpipe {

EndingLog::EndingLog(std::size_t capacity)
    : slots_(std::bit_ceil(std::max<std::size_t>(capacity, 1))), index_(2 * slots_.size()) {}

std::size_t EndingLog::home_of(std::string_view id) const {
  return std::hash<std::string_view>{}(id) & (index_.size() - 1);
}

std::size_t EndingLog::position_of(std::string_view id) const {
  for (auto at = home_of(id);; at = (at + 1) & (index_.size() - 1)) {
    const auto entry = index_[at];
    if (entry == kEmpty) return index_.size();
    if (slots_[entry - 1].id == id) return at;
  }
}

void EndingLog::erase_at(std::size_t position) {
  const auto mask = index_.size() - 1;
  index_[position] = kEmpty;
  // Entries after the hole that could live in it move back, so that a probe from their home
  // never stops at the hole before reaching them.
  for (auto at = (position + 1) & mask; index_[at] != kEmpty; at = (at + 1) & mask) {
    const auto home = home_of(slots_[index_[at] - 1].id);
    const bool hole_is_on_the_way = ((at - home) & mask) >= ((at - position) & mask);
    if (hole_is_on_the_way) {
      index_[position] = index_[at];
      index_[at] = kEmpty;
      position = at;
    }
  }
}

void EndingLog::remember(std::string_view id, const Ending& ending, const OnForget& on_forget) {
  forget(id);
  auto& slot = slots_[next_];
  if (slot.used) {
    on_forget(slot.id, slot.ending);
    erase_at(position_of(slot.id));
    --size_;
  }
  slot.id.assign(id);
  slot.ending = ending;
  slot.used = true;
  ++size_;
  auto at = home_of(id);
  while (index_[at] != kEmpty) at = (at + 1) & (index_.size() - 1);
  index_[at] = static_cast<std::uint32_t>(next_ + 1);
  next_ = (next_ + 1) & (slots_.size() - 1);
}

const EndingLog::Ending* EndingLog::find(std::string_view id) const {
  const auto at = position_of(id);
  return at == index_.size() ? nullptr : &slots_[index_[at] - 1].ending;
}

void EndingLog::forget(std::string_view id) {
  const auto at = position_of(id);
  if (at == index_.size()) return;
  auto& slot = slots_[index_[at] - 1];
  slot.used = false;
  erase_at(at);
  --size_;
}

}  // namespace zpipe
