#!/usr/bin/env bash
# Runs schemathesis (a third-party property-based API tester) against a running web process,
# checking every response against openapi.yaml.
#
#   Tests/AlphaWebTests/Peers/run_schemathesis.sh BASE_URL TOKEN
#
# BASE_URL: the server's origin, such as http://127.0.0.1:8080 (the spec's paths are absolute).
# TOKEN:    an admin access token (a viewer or API token turns every write into a 403).
#
# Needs .venv-web (scripts/setup-python-web). Exits with schemathesis's status: 0 when every check
# passed on every operation. Environment knobs: ST_MAX_EXAMPLES (25), ST_SEED (20261122),
# ST_WORKERS (1), ST_PHASES (examples,coverage,fuzzing,stateful), ST_WORKDIR (a new temporary
# folder; it holds the JUnit report and the crash files that `st replay` reads, and is kept when
# the run fails), ST_EXTRA_ARGS (more schemathesis flags, split on spaces).
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BASE_URL TOKEN" >&2
    exit 2
fi
base_url="${1%/}"
token="$2"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
st="$repo_root/.venv-web/bin/schemathesis"
spec="$repo_root/openapi.yaml"
[ -x "$st" ] || { echo "run_schemathesis: $st missing; run scripts/setup-python-web" >&2; exit 2; }
[ -f "$spec" ] || { echo "run_schemathesis: $spec missing" >&2; exit 2; }

workdir="${ST_WORKDIR:-$(mktemp -d "${TMPDIR:-/tmp}/alphaengine-schemathesis.XXXXXX")}"
mkdir -p "$workdir"
# Our own config file, so no schemathesis.toml found above the working folder changes the run.
# Warnings that mean the run tested less than it seems fail it: missing_auth (every request got
# 401/403: a bad TOKEN passes every check otherwise), an operation that only answers 405, a filter
# that matches no operation, a schema or regex schemathesis could not use.
cat >"$workdir/schemathesis.toml" <<'TOML'
[warnings]
fail-on = ["missing_auth", "method_not_allowed", "unmatched_filter", "unresolvable_reference",
           "unsupported_regex", "missing_deserializer", "validation_mismatch", "base_url_mismatch"]

# A configuration's strategy.params are checked against the named strategy's own specs and rules
# that no JSON Schema can say (fast below slow, a decimal's range), so a schema-valid document may be
# refused with 400 naming the parameter: that refusal is the contract (openapi.yaml says so).
[[operations]]
include-operation-id = "updateConfig"
checks.positive_data_acceptance.expected-statuses = ["2XX", "400", "401", "403", "404", "409", "429"]

[[operations]]
include-operation-id = "createCommand"
checks.positive_data_acceptance.expected-statuses = ["2XX", "400", "401", "403", "404", "409", "429"]

# Readiness answers 503 while the bot's heartbeat is stale: that is its job (load balancers and
# systemd read it), not a server error.
[[operations]]
include-operation-id = "getReady"
checks.not_a_server_error.expected-statuses = ["2XX", "3XX", "4XX", "503"]
TOML
extra=()
[ -n "${ST_EXTRA_ARGS:-}" ] && read -r -a extra <<<"$ST_EXTRA_ARGS"

args=(
    --config-file "$workdir/schemathesis.toml"
    --no-color
    run "$spec"
    --url "$base_url"
    --header "Authorization: Bearer $token"
    --checks all
    --phases "${ST_PHASES:-examples,coverage,fuzzing,stateful}"
    --max-examples "${ST_MAX_EXAMPLES:-25}"
    --seed "${ST_SEED:-20261122}"
    --generation-database none
    --workers "${ST_WORKERS:-1}"
    --request-timeout 10
    --max-response-time 5
    --exclude-operation-id logout
    --exclude-operation-id streamEvents
    --report junit
    --report-junit-path "$workdir/junit.xml"
    "${extra[@]}"
)

echo "run_schemathesis: $base_url, spec $spec, seed ${ST_SEED:-20261122}, ${ST_MAX_EXAMPLES:-25} examples per operation, work folder $workdir"
started=$(date +%s)
status=0
# unset: a hooks module named in the environment would change what runs.
(cd "$workdir" && env -u SCHEMATHESIS_HOOKS "$st" "${args[@]}") >"$workdir/output.txt" 2>&1 || status=$?
elapsed=$(( $(date +%s) - started ))

if [ "$status" -eq 0 ]; then
    # The closing summary: phases, test case counts, seed (the report paths go with the folder).
    sed -n '/^=* SUMMARY =*$/,$p' "$workdir/output.txt" | sed '/^Reports:$/,/^$/d'
    echo "run_schemathesis: passed in ${elapsed}s"
    if [ -z "${ST_WORKDIR:-}" ]; then rm -rf "$workdir"; fi
else
    cat "$workdir/output.txt"
    echo "run_schemathesis: FAILED (schemathesis exit $status) in ${elapsed}s; output, junit.xml and crash files in $workdir" >&2
fi
exit "$status"
