# Provider functions need the provider in required_providers, and Terraform 1.8 or later.
terraform {
  required_version = ">= 1.8.0"
  required_providers {
    multikernel = {
      source = "example.com/multikernel/multikernel"
    }
  }
}

# The largest binary unit that divides the size exactly.
output "one_gib" {
  value = provider::multikernel::size_format(1073741824) # "1GiB"
}

output "one_and_a_half_gib" {
  value = provider::multikernel::size_format(1610612736) # "1536MiB"
}

# Sums of sizes, shown the way a person would write them.
output "pool_total" {
  value = provider::multikernel::size_format(sum([
    for s in ["1GiB", "512MiB", "512MiB"] : provider::multikernel::size_parse(s)
  ])) # "2GiB"
}
