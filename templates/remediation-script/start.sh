if [[ $APPLY == 1 ]]; then echo "amigov remediation: APPLYING changes"; else echo "amigov remediation: DRY RUN (nothing changes; run with --apply to make the changes)"; fi
