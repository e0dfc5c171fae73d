terraform {
  required_providers {
    demo = {
      source = "example.com/tfjvm/demo"
    }
  }
}

provider "demo" {
  # One JSON file per object goes here; the directory is created when missing.
  store_dir = "${path.module}/.demo"
}
