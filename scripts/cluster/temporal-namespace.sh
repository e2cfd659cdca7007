#!/bin/sh
# Creates the namespace, with the 24 h retention auto-setup gave it (the server makes none), then
# registers the onboarding's search attributes in it (src/workflows/search-attributes.ts; the compose
# test checks this list against it). Safe to re-run: what exists is left as it is. One script for both
# topologies: docker-compose.yml's temporal-search-attributes job runs it in admin-tools (mounted
# read-only from ./scripts/cluster), `npm run start:cluster` and test/cluster run it on the host.
#
# Settings: TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (read by the CLI itself); TEMPORAL_CLI, the
# Temporal CLI (default: temporal on PATH).
set -eu
temporal="${TEMPORAL_CLI:-temporal}"
ns="$TEMPORAL_NAMESPACE"
"$temporal" operator namespace describe --namespace "$ns" >/dev/null 2>&1 ||
  "$temporal" operator namespace create --namespace "$ns" --retention 24h
# A new namespace takes a few seconds to reach the frontend's cache.
tries=0
until "$temporal" operator search-attribute list --namespace "$ns" >/dev/null 2>&1; do
  tries=$((tries + 1)); [ "$tries" -lt 60 ] || exit 1; sleep 1
done
for spec in CustomerId=Keyword OnboardingStatus=Keyword OnboardingStep=Keyword \
  CustomerProfileStatus=Keyword TrustProductStatus=Keyword BundleSids=KeywordList WaitingSince=Datetime \
  OnboardingProblem=Keyword TwilioFailingSince=Datetime; do
  "$temporal" operator search-attribute list --namespace "$ns" | grep -qw "${spec%%=*}" ||
    "$temporal" operator search-attribute create --namespace "$ns" --name "${spec%%=*}" --type "${spec##*=}"
done
