# Shared shell helpers for Highway's testbed scripts. Source it; it defines functions only
# (plus HIGHWAY_ROOT) and changes nothing on the machine by itself.

HIGHWAY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# find_jdk: exports JAVA_HOME as the newest JDK >= 22 under /usr/lib/jvm (or keeps a valid
# JAVA_HOME already set), because FFM is final only since 22 and the default java here is 17.
find_jdk() {
  local candidate version best="" best_version=0
  for candidate in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    [ -n "$version" ] || continue
    if [ "$version" -ge 22 ] && [ "$version" -gt "$best_version" ]; then
      best="$candidate"; best_version="$version"
    fi
  done
  [ -n "$best" ] || die "no JDK >= 22 found under /usr/lib/jvm (JAVA_HOME=${JAVA_HOME:-unset}); install one, e.g. Temurin 25"
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}

# need_packages PKG...: installs the Debian packages that are not installed yet.
# apt-get update runs at most once per process tree (HIGHWAY_APT_UPDATED).
need_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "packages missing (${missing[*]}) and not root to install them"
  if [ -z "${HIGHWAY_APT_UPDATED:-}" ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -o DPkg::Lock::Timeout=600 -qq >&2 || die "apt-get update failed"
    export HIGHWAY_APT_UPDATED=1
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
}

# mvnw ARGS...: the project's pinned Maven with the JDK found above.
mvnw() {
  find_jdk
  (cd "$HIGHWAY_ROOT" && ./mvnw -B -q "$@")
}
