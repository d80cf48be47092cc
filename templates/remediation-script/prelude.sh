set -euo pipefail

APPLY=0
for arg in "$@"; do
  case "$arg" in
    --apply) APPLY=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "remediation.sh: unknown argument: $arg (use --apply, or --help)" >&2; exit 2 ;;
  esac
done
FAILURES=0
CHANGED=0

# change DRY_RUN_SUPPORTED TITLE COMMAND...: dry run checks it, --apply runs it; a failure is counted, not fatal.
change() {
  local dry="$1" title="$2" out
  shift 2
  printf '\n== %s\n+ %s\n' "$title" "$*"
  if [[ $APPLY == 1 ]]; then
    if "$@"; then CHANGED=$((CHANGED + 1)); else echo "!! failed: $title" >&2; FAILURES=$((FAILURES + 1)); fi
  elif [[ $dry == 1 ]]; then
    if out=$("$@" --dry-run 2>&1); then
      echo "   dry run: the request was accepted"
    elif [[ $out == *DryRunOperation* ]]; then
      echo "   dry run: would succeed"
    else
      echo "   dry run: would fail: $out"; FAILURES=$((FAILURES + 1))
    fi
  else
    echo "   dry run: not run (this command has no --dry-run); run with --apply"
  fi
}

# check TITLE COMMAND...: read-only verification, run after the changes with --apply.
check() {
  local title="$1"
  shift
  if [[ $APPLY == 1 ]]; then
    printf '\n-- %s\n' "$title"
    "$@" || { echo "!! verification failed: $title" >&2; FAILURES=$((FAILURES + 1)); }
  fi
}
