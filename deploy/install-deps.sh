#!/usr/bin/env bash
# Installs every Debian bookworm package M-CRM needs to build, test and run.
# Idempotent: packages already present are skipped; nothing is downloaded at build time.
# Usage: deploy/install-deps.sh   (as root, or through sudo)
set -euo pipefail

# package                          what it is for
packages=(
  build-essential                  # g++ 12, make
  cmake                            # build system (3.25)
  ninja-build                      # faster incremental builds
  pkg-config                       # finds libpqxx
  git                              # version control, used by the format check
  clang-format                     # the format check in the test command
  libgrpc++-dev                    # gRPC 1.51 C++ runtime and headers
  protobuf-compiler-grpc           # grpc_cpp_plugin for protoc
  libprotobuf-dev                  # protobuf 3.21 runtime and headers
  protobuf-compiler                # protoc
  libpqxx-dev                      # PostgreSQL client (libpqxx 6.4) for the server store
  libpq-dev                        # libpq itself, for results in binary format
  libabsl-dev                      # absl::Status, flags, containers, synchronization
  libsqlite3-dev                   # embedded server store and the device replica
  libicu-dev                       # the one order of names (pinyin) and currencies' decimals
  libsodium-dev                    # Argon2id password hashing, random tokens
  libcli11-dev                     # mcrm-admin's argument parser
  libcsv-dev                       # CSV reading and writing for the back office's import and export
  libgtest-dev                     # GoogleTest for unit, pg and e2e tests
  libgmock-dev                     # GoogleMock matchers (StatusIs and friends)
  qt6-base-dev                     # Qt Core/Gui/Network/Sql for the app
  qt6-declarative-dev              # Qt Quick / QML
  qt6-declarative-dev-tools        # qmlcachegen, qmltyperegistrar
  qml6-module-qtqml                # QtQml (imported implicitly by every QML file)
  qml6-module-qtquick              # QtQuick QML import
  qml6-module-qtquick-controls     # QtQuick.Controls import
  qml6-module-qtquick-layouts      # QtQuick.Layouts import
  qml6-module-qtquick-templates    # needed by QtQuick.Controls
  qml6-module-qtquick-window       # QtQuick.Window import
  qml6-module-qtqml-workerscript   # needed by QtQuick list views
  qml6-module-qttest               # Qt Quick Test (app tests)
  qml6-module-qtpositioning        # the check-in position of a visit (QtPositioning)
  libqt6sql6-sqlite                # Qt's SQLite driver
  qt6-tools-dev                    # Qt6LinguistTools for CMake (the app's translations)
  qt6-l10n-tools                   # lupdate and lrelease
  fonts-wqy-microhei               # a CJK font: Chinese renders as boxes without one
  xvfb                             # optional real display for app screenshots
  xauth                            # needed by xvfb-run
  postgresql-15                    # throwaway clusters for pg tests and benchmarks
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
