# The pipeline: statemachine/pipeline.asl.json.tftpl rendered with the values of
# pulso_local.definition.definition_values (see locals.tf), so AWS runs the definition the local runtime runs.

resource "aws_sfn_state_machine" "pipeline" {
  #checkov:skip=CKV_AWS_285:Logging is level ALL; execution data (inputs, outputs) is left out of the logs on purpose.
  name       = var.names.state_machine
  type       = "STANDARD"
  role_arn   = aws_iam_role.states.arn
  definition = local.definition

  # Execution history goes to the log group modules/monitoring creates; data stays out of the logs.
  logging_configuration {
    log_destination        = "${local.state_machine_log_group_arn}:*"
    include_execution_data = false
    level                  = "ALL"
  }

  tracing_configuration {
    enabled = true
  }

  tags = var.tags

  # Step Functions checks at creation that the role may deliver logs; the policy must exist first.
  depends_on = [aws_iam_role_policy.states]
}
