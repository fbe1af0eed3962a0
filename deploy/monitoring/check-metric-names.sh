#!/usr/bin/env bash
# Every pluton_storage_* metric that the alert rules and the dashboard use must be one the daemon
# exports (metric-names.txt; a histogram's _bucket, _sum and _count count as the histogram).
#   check-metric-names.sh [FILE...]        (default: alerts.yaml dashboard.json beside this)
set -euo pipefail
here=$(dirname "$(realpath "$0")")
(($#)) || set -- "$here/alerts.yaml" "$here/dashboard.json"
known=$(grep -o '^pluton_storage_[a-z_]*' "$here/metric-names.txt" | sort -u)
status=0
for file in "$@"; do
  used=$(grep -o 'pluton_storage_[a-z_]*' "$file" | sed -E 's/_(bucket|sum|count)$//' | sort -u)
  [ -n "$used" ] || { echo "$file: uses no pluton_storage_ metric"; status=1; }
  unknown=0
  for metric in $used; do
    grep -qx "$metric" <<<"$known" || {
      echo "$file: $metric is not a metric the daemon exports (metric-names.txt)"; unknown=1; }
  done
  if ((unknown)); then status=1; else echo "$file: $(wc -w <<<"$used") metrics, all known"; fi
done
exit $status
