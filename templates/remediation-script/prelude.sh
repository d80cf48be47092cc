set -euo pipefail

APPLY=0
YES=0
SCOPE_ACCOUNTS='' SCOPE_REGIONS='' SCOPE_RULES='' SCOPE_FINDINGS=''
usage() {
  cat <<'USAGE'
Usage: ./remediation.sh [--apply [--yes]] [--accounts IDS] [--regions LIST] [--rules IDS] [--finding IDS]
  (no flag)        dry run: EC2 changes are checked with --dry-run, nothing changes
  --apply          make the changes: prints the plan first and asks you to type yes
  --yes            with --apply: do not ask (automation; required when there is no terminal)
  --accounts IDS   only these accounts (comma-separated 12-digit ids)
  --regions LIST   only these regions (comma-separated)
  --rules IDS      only findings of these rules (comma-separated rule ids)
  --finding IDS    only these findings (comma-separated finding ids, 16 hex digits)
  -h, --help       this help
USAGE
}
usage_error() { echo "remediation.sh: $1" >&2; echo "Run ./remediation.sh --help for the flags." >&2; exit 2; }
# scope_value FLAG VALUE PATTERN WHAT: a comma-separated list, every item matching PATTERN.
scope_value() {
  local item
  [[ -n $2 && $2 != --* ]] || usage_error "$1 needs a value ($4, comma-separated)"
  IFS=',' read -r -a _items <<<"$2"
  for item in "${_items[@]}"; do [[ $item =~ $3 ]] || usage_error "$1: \"$item\" is not $4"; done
  printf ',%s,' "$2"
}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --apply) APPLY=1 ;;
    --yes|-y) YES=1 ;;
    --accounts) SCOPE_ACCOUNTS=$(scope_value "$1" "${2:-}" '^[0-9]{12}$' 'a 12-digit account id') || exit 2; shift ;;
    --regions) SCOPE_REGIONS=$(scope_value "$1" "${2:-}" '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$' 'a region name') || exit 2; shift ;;
    --rules) SCOPE_RULES=$(scope_value "$1" "${2:-}" '^[a-z0-9-]+$' 'a rule id') || exit 2; shift ;;
    --finding|--findings) SCOPE_FINDINGS=$(scope_value "$1" "${2:-}" '^[0-9a-f]{16}$' 'a finding id (16 hex digits)') || exit 2; shift ;;
    -h|--help) usage; exit 0 ;;
    --app*|--ap|--aply|--appl|--aplly|--apple) usage_error "unknown argument: $1 (did you mean --apply?)" ;;
    --y*|--ye) usage_error "unknown argument: $1 (did you mean --yes?)" ;;
    --acc*|--acount*) usage_error "unknown argument: $1 (did you mean --accounts?)" ;;
    --reg*) usage_error "unknown argument: $1 (did you mean --regions?)" ;;
    --rul*) usage_error "unknown argument: $1 (did you mean --rules?)" ;;
    --fin*) usage_error "unknown argument: $1 (did you mean --finding?)" ;;
    *) usage_error "unknown argument: $1" ;;
  esac
  shift
done
if [[ $APPLY == 1 && $YES == 0 && ! -t 0 ]]; then
  usage_error "--apply without a terminal to confirm on: pass --yes to apply without asking (after reviewing a dry run)"
fi
FAILURES=0
CHANGED=0
# MODE: plan (list what --apply would change), dry (check), apply (change).
MODE=dry
[[ $APPLY == 1 ]] && MODE=plan

# in_scope ACCOUNT REGION RULE FINDING: the scope flags allow this item.
in_scope() {
  [[ -z $SCOPE_ACCOUNTS || $SCOPE_ACCOUNTS == *",$1,"* ]] && [[ -z $SCOPE_REGIONS || $SCOPE_REGIONS == *",$2,"* ]] &&
    [[ -z $SCOPE_RULES || $SCOPE_RULES == *",$3,"* ]] && [[ -z $SCOPE_FINDINGS || $SCOPE_FINDINGS == *",$4,"* ]]
}
PLANNED=0
# change DRY_RUN_SUPPORTED ACCOUNT REGION RULE FINDING TITLE COMMAND...: plan lists it, dry run checks it,
# --apply runs it; a failure is counted, not fatal.
change() {
  local dry="$1" account="$2" region="$3" rule="$4" finding="$5" title="$6" out
  shift 6
  in_scope "$account" "$region" "$rule" "$finding" || return 0
  if [[ $MODE == plan ]]; then
    PLANNED=$((PLANNED + 1)); printf '  [account %s %s] %s\n      %s\n' "$account" "$region" "$title" "$*"; return 0
  fi
  printf '\n== [account %s %s] %s\n+ %s\n' "$account" "$region" "$title" "$*"
  if [[ $MODE == apply ]]; then
    if "$@"; then CHANGED=$((CHANGED + 1)); else echo "!! [account $account $region] failed: $title" >&2; FAILURES=$((FAILURES + 1)); fi
  elif [[ $dry == 1 ]]; then
    if out=$("$@" --dry-run 2>&1); then
      echo "   [account $account $region] dry run: the request was accepted"
    elif [[ $out == *DryRunOperation* ]]; then
      echo "   [account $account $region] dry run: would succeed"
    else
      echo "   [account $account $region] dry run: would fail: $out"; FAILURES=$((FAILURES + 1))
    fi
  else
    echo "   [account $account $region] dry run: not run (this command has no --dry-run); run with --apply"
  fi
}

# check ACCOUNT REGION RULE FINDING TITLE COMMAND...: read-only verification, run after the changes with --apply.
check() {
  local account="$1" region="$2" rule="$3" finding="$4" title="$5"
  shift 5
  in_scope "$account" "$region" "$rule" "$finding" || return 0
  if [[ $MODE == apply ]]; then
    printf '\n-- [account %s %s] %s\n' "$account" "$region" "$title"
    "$@" || { echo "!! [account $account $region] verification failed: $title" >&2; FAILURES=$((FAILURES + 1)); }
  fi
}
