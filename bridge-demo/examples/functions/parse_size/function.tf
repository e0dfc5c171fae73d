# Provider functions need the provider in required_providers.
terraform {
  required_providers {
    demo = {
      source = "example.com/tfjvm/demo"
    }
  }
}

output "memory_bytes" {
  value = provider::demo::parse_size("1.5GiB") # 1610612736
}
