// Command-line conventions shared by the project's programs.
#pragma once

namespace mcrm {

// Flags are documented with dashes (--data-dir); Abseil names them with underscores. Rewrites
// "--data-dir=x" to "--data_dir=x" in place, up to a lone "--".
void DashesToUnderscoresInFlagNames(int argc, char** argv);

}  // namespace mcrm
