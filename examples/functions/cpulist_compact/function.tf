# Provider functions need the provider in required_providers, and Terraform 1.8 or later.
terraform {
  required_version = ">= 1.8.0"
  required_providers {
    multikernel = {
      source = "example.com/multikernel/multikernel"
    }
  }
}

# Any collection of logical CPU ids, in any order, written the way the kernel prints it.
output "compact" {
  value = provider::multikernel::cpulist_compact([10, 4, 5, 6, 7]) # "4-7,10"
}

# Set arithmetic on CPU lists: what is left of a pool once two instances took their share.
locals {
  pool = provider::multikernel::cpulist_expand("2-15")
  used = concat(provider::multikernel::cpulist_expand("2-5"), provider::multikernel::cpulist_expand("8,9"))
}

output "free_cpus" {
  value = provider::multikernel::cpulist_compact(setsubtract(local.pool, local.used)) # "6-7,10-15"
}
