resource "toy_machine" "example" {
  name = "alpha"

  limits = {
    memory = 512
  }

  disk {
    label = "root"
  }

  boot {
    kernel = "vmlinuz"
  }
}
