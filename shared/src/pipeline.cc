#include "mcrm/pipeline.h"

#include <utility>

namespace mcrm {
namespace {

const std::vector<std::pair<std::string, int>>& Stages() {
  static const auto* const kStages = new std::vector<std::pair<std::string, int>>{
      {"prospecting", 10}, {"qualification", 20}, {"needs_analysis", 40}, {"proposal", 60},
      {"negotiation", 80}, {"closed_won", 100},   {"closed_lost", 0},
  };
  return *kStages;
}

}  // namespace

const std::vector<std::string>& OpportunityStageNames() {
  static const auto* const kNames = [] {
    auto* names = new std::vector<std::string>;
    for (const auto& [name, probability] : Stages()) names->push_back(name);
    return names;
  }();
  return *kNames;
}

std::optional<int> DefaultWinProbability(absl::string_view stage) {
  for (const auto& [name, probability] : Stages()) {
    if (name == stage) return probability;
  }
  return std::nullopt;
}

}  // namespace mcrm
