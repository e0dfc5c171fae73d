# Provider functions need the provider in required_providers, and Terraform 1.8 or later.
terraform {
  required_version = ">= 1.8.0"
  required_providers {
    multikernel = {
      source = "example.com/multikernel/multikernel"
    }
  }
}

# Every unit is a power of 1024, as in kerf and the kernel's memparse: "2GB" is 2 GiB.
output "instance_memory_bytes" {
  value = provider::multikernel::size_parse("1.5GiB") # 1610612736
}

output "same_size_in_kerf_spelling" {
  value = provider::multikernel::size_parse("1536MB") == provider::multikernel::size_parse("1.5GiB") # true
}

# Plain byte counts, decimal or hexadecimal as device trees print them.
output "from_device_tree" {
  value = provider::multikernel::size_parse("0x40000000") # 1073741824
}
