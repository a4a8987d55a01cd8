#!/usr/bin/env bash
# Installs the Debian 12 packages trunkcheck needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so a warm machine pays nothing.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config
  libssl-dev libpcap-dev zlib1g-dev libsqlite3-dev libmimalloc-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  ca-certificates openssl
)
test_packages=(
  tshark tcpdump gnutls-bin faketime python3 clang libclang-rt-14-dev
  kamailio kamailio-tls-modules sip-tester
  libgnutls28-dev  # bench/listen_load_gnutls.cpp: the cheaper load generator of listen_bench.sh
  # Headless rendering of the HTML reports (tests/cli/report_chromium.test):
  # with --no-install-recommends about 25 packages / 290 MB, no X server.
  chromium fonts-dejavu-core
)

want=("${build_packages[@]}")
if [[ "${1:-}" == "--with-test-peers" ]]; then
  want+=("${test_packages[@]}")
fi

missing=()
for package in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

# Debian 12's first ca-certificates (20230311) lacks roots the platform
# publishes (Telekom Security 2020/2023); the bookworm update has them.
ca_version=$(dpkg-query -W -f='${Version}' ca-certificates 2>/dev/null || true)
if [[ -n "$ca_version" ]] && dpkg --compare-versions "$ca_version" lt 20250419~; then  # ~: 20250419~deb12u2 counts
  missing+=(ca-certificates)
fi

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "installing: ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo_cmd[@]}" debconf-set-selections
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
