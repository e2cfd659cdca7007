#!/bin/sh
# Creates the namespaces, with the 24 h retention auto-setup gave them (the server makes none), then
# registers the search attributes in them: the onboarding's (src/contract/search-attributes.ts; the
# compose test checks this list against it) in TEMPORAL_NAMESPACE, and CustomerId, a claim's owner, in the
# claims' namespace (src/activities/temporal-claims.ts). Safe to re-run: what exists is left as it is.
# One script for both topologies: docker-compose.yml's temporal-search-attributes job runs it in
# admin-tools (mounted read-only from ./scripts/cluster), `npm run start:cluster` and test/cluster run it
# on the host.
#
# Settings: TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (read by the CLI itself); TEMPORAL_CLAIMS_NAMESPACE
# (default: trusthub-claims, as the worker's); TEMPORAL_CLI, the Temporal CLI (default: temporal on PATH).
set -eu
temporal="${TEMPORAL_CLI:-temporal}"
ns="$TEMPORAL_NAMESPACE"
claims="${TEMPORAL_CLAIMS_NAMESPACE:-trusthub-claims}"

# namespace NAME SPEC...: creates NAME unless it exists, then each search attribute SPEC (Name=Type) missing.
namespace() {
  name="$1"; shift
  "$temporal" operator namespace describe --namespace "$name" >/dev/null 2>&1 ||
    "$temporal" operator namespace create --namespace "$name" --retention 24h
  # A new namespace takes a few seconds to reach the frontend's cache.
  tries=0
  until "$temporal" operator search-attribute list --namespace "$name" >/dev/null 2>&1; do
    tries=$((tries + 1)); [ "$tries" -lt 60 ] || exit 1; sleep 1
  done
  for spec in "$@"; do
    "$temporal" operator search-attribute list --namespace "$name" | grep -qw "${spec%%=*}" ||
      "$temporal" operator search-attribute create --namespace "$name" --name "${spec%%=*}" --type "${spec##*=}"
  done
}

namespace "$ns" CustomerId=Keyword OnboardingStatus=Keyword OnboardingStep=Keyword \
  CustomerProfileStatus=Keyword TrustProductStatus=Keyword BundleSids=KeywordList WaitingSince=Datetime \
  OnboardingProblem=Keyword TwilioFailingSince=Datetime
[ "$claims" = "$ns" ] || namespace "$claims" CustomerId=Keyword
