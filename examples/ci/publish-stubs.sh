#!/bin/sh
# Publishes the stub of the domain checked out in the current folder on refs/nix-domains/stubs
# of its repository (the remote `origin`), beside the revisions published before. For any CI that
# runs a shell on each push (GitLab CI, Jenkins, Buildkite, Woodpecker, a cron job):
#
#   sh publish-stubs.sh BRANCH     BRANCH: the pushed branch, e.g. "$CI_COMMIT_BRANCH" on GitLab
#
# Settings (environment):
#   NIX_DOMAINS_CLI       the packed CLI: URL or path of nix-domains-<version>.tgz (npm pack in nix-domains)
#   NIX_DOMAINS_REMOTE    where to publish: a remote name or URL, optionally #REF (default: origin)
#   NIX_DOMAINS_BRANCHES  the branches that publish, as shell patterns (default: main Wave* WIP-Wave*)
# git pushes with whatever credentials the CI gives it for that remote (an SSH key, a credential helper).
set -eu

branch=${1:-}
published=no
set -f # the patterns are split on spaces, never expanded to file names
for pattern in ${NIX_DOMAINS_BRANCHES:-main Wave* WIP-Wave*}; do
  # shellcheck disable=SC2254 # the patterns are meant to match
  case "$branch" in $pattern) published=yes ;; esac
done
set +f
if [ "$published" = no ]; then
  echo "publish-stubs: branch '$branch' is not one that publishes (${NIX_DOMAINS_BRANCHES:-main Wave* WIP-Wave*}); nothing to do"
  exit 0
fi
: "${NIX_DOMAINS_CLI:?set NIX_DOMAINS_CLI to the URL or path of nix-domains-<version>.tgz}"

prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
npm install --global --prefix "$prefix" --no-audit --no-fund --loglevel=error "$NIX_DOMAINS_CLI"
"$prefix/bin/nix-domains" stub --publish "${NIX_DOMAINS_REMOTE:-origin}"
