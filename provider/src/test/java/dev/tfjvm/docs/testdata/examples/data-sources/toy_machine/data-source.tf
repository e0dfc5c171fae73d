data "toy_machine" "example" {
  name = "alpha"
}
