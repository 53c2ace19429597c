#!/usr/bin/env bash
# Stages a release into a temporary file repository and checks what would be published:
#   mvn -Prelease deploy (signing, tests and consumer projects skipped) into a temp directory, then
#   scripts/staging/StagingCheck.java on it: every module not marked maven.deploy.skip is staged
#   and nothing else (no examples, no benchmarks); each POM has its name and description and,
#   own or inherited, url, licenses, scm and developers; each jar module has its jar, sources jar
#   and Javadoc jar; library jars carry module-info.class; no Manual*/Fake* class outside
#   reliability-test.
# Prints the problems and exits non-zero when there is any. Run by scripts/e2e.sh.
#
# Settings (environment): STAGING_DIR (a fresh temporary directory; kept when set),
# STAGING_MAVEN_ARGS (extra Maven arguments, e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${STAGING_DIR:-}" ]; then
  dir="$STAGING_DIR"
  rm -rf "$dir"
  mkdir -p "$dir"
else
  dir="$(mktemp -d "${TMPDIR:-/tmp}/reliability-staging.XXXXXX")"
  trap 'rm -rf "$dir"' EXIT
fi
log="$dir.log"

# maven-deploy-plugin 3.x: altDeploymentRepository is id::url (the 2.x id::layout::url is gone).
# Test sources are not even compiled (-Dmaven.test.skip): the staged artifacts do not need them.
# shellcheck disable=SC2086 # STAGING_MAVEN_ARGS is a list of arguments
if ! mvn -B -q -Prelease -Dgpg.skip -DskipTests -Dmaven.test.skip=true -Dinvoker.skip \
  -Djacoco.skip -Dspotless.check.skip=true ${STAGING_MAVEN_ARGS:-} \
  deploy -DaltDeploymentRepository="staging::file:$dir/repository" >"$log" 2>&1; then
  tail -n 40 "$log"
  echo "STAGING FAILED: mvn -Prelease deploy (log: $log)"
  exit 1
fi
rm -f "$log"

if ! java scripts/staging/StagingCheck.java "$dir/repository" .; then
  echo "STAGING FAILED: the staged artifacts (above) are not what a release may publish"
  exit 1
fi
