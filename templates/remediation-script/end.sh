echo
if [[ $APPLY == 1 ]]; then echo "amigov remediation: $CHANGED change(s) made, $FAILURES failure(s)"; else echo "amigov remediation: dry run done, $FAILURES problem(s) found"; fi
[[ $FAILURES == 0 ]]
