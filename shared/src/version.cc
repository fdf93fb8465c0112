#include "mcrm/version.h"

namespace mcrm {

absl::string_view BuildVersion() { return MCRM_BUILD_VERSION; }

}  // namespace mcrm
