resource "demo_buggy" "example" {
  value = "hello"

  # Set to break one of Terraform's rules on purpose and see how the bridge reports it:
  # misbehave = "plan_changes_config"
}
