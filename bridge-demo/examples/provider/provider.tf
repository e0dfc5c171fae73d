terraform {
  required_providers {
    demo = {
      source = "example.com/tfjvm/demo"
    }
  }
}

provider "demo" {
  # One JSON file per object goes here; the directory is created when missing. An absolute
  # path: the provider resolves relative ones against its own working directory.
  store_dir = abspath("${path.module}/.demo")
}
