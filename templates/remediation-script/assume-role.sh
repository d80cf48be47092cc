ROLE_NAME="${AMIGOV_ROLE_NAME:-@ROLE_NAME@}"
ROLE_PATH="${AMIGOV_ROLE_PATH:-@ROLE_PATH@}"
# The credentials the script was started with: every role is assumed from these.
BASE_KEY_SET=${AWS_ACCESS_KEY_ID+x} BASE_KEY=${AWS_ACCESS_KEY_ID-}
BASE_SECRET_SET=${AWS_SECRET_ACCESS_KEY+x} BASE_SECRET=${AWS_SECRET_ACCESS_KEY-}
BASE_TOKEN_SET=${AWS_SESSION_TOKEN+x} BASE_TOKEN=${AWS_SESSION_TOKEN-}
restore_base_credentials() {
  if [[ -n $BASE_KEY_SET ]]; then export AWS_ACCESS_KEY_ID="$BASE_KEY"; else unset AWS_ACCESS_KEY_ID; fi
  if [[ -n $BASE_SECRET_SET ]]; then export AWS_SECRET_ACCESS_KEY="$BASE_SECRET"; else unset AWS_SECRET_ACCESS_KEY; fi
  if [[ -n $BASE_TOKEN_SET ]]; then export AWS_SESSION_TOKEN="$BASE_TOKEN"; else unset AWS_SESSION_TOKEN; fi
}
CALLER_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
# assume_role ACCOUNT: exports that account's role credentials; returns 1 (counted) when it cannot.
assume_role() {
  local account="$1" out
  restore_base_credentials
  [[ $account == "$CALLER_ACCOUNT" ]] && return 0
  if ! out=$(aws sts assume-role --role-arn "arn:${AWS_PARTITION:-aws}:iam::${account}:role${ROLE_PATH}${ROLE_NAME}" \
      --role-session-name amigov-remediation ${AMIGOV_EXTERNAL_ID:+--external-id "$AMIGOV_EXTERNAL_ID"} \
      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text); then
    echo "!! cannot assume ${ROLE_PATH}${ROLE_NAME} in ${account}: its commands are skipped" >&2
    FAILURES=$((FAILURES + 1))
    return 1
  fi
  read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<<"$out"
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
}
