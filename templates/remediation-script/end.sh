if [[ $MODE == plan ]]; then
  if [[ $PLANNED == 0 ]]; then echo "amigov remediation: nothing to change in this scope"; exit 0; fi
  if [[ $YES == 0 ]]; then
    read -r -p "Apply these $PLANNED change(s)? Type yes to apply: " answer || answer=''
    [[ $answer == yes ]] || { echo "amigov remediation: not confirmed, nothing changed" >&2; exit 2; }
  fi
  echo "amigov remediation: APPLYING changes"
  MODE=apply
  run_accounts
fi
echo
if [[ $APPLY == 1 ]]; then echo "amigov remediation: $CHANGED change(s) made, $FAILURES failure(s)"; else echo "amigov remediation: dry run done, $FAILURES problem(s) found"; fi
[[ $FAILURES == 0 ]]
