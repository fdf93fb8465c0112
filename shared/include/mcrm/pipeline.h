// The sales pipeline: opportunity stages and the win probability each stands for by default.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace mcrm {

// Stage names in pipeline order: prospecting ... closed_won, closed_lost.
const std::vector<std::string>& OpportunityStageNames();

// The default win probability (percent) of a stage, or nullopt for an unknown stage. Used when
// an opportunity carries no probability of its own, and by the forecast.
std::optional<int> DefaultWinProbability(absl::string_view stage);

}  // namespace mcrm
