# Provider functions need the provider in required_providers, and Terraform 1.8 or later.
terraform {
  required_version = ">= 1.8.0"
  required_providers {
    multikernel = {
      source = "example.com/multikernel/multikernel"
    }
  }
}

# CPU lists use the kernel's cpulist syntax (as in lscpu, taskset -c and isolcpus=),
# with logical CPU numbers.
output "web_cpus" {
  value = provider::multikernel::cpulist_expand("4-7,10") # [4, 5, 6, 7, 10]
}

# How many CPUs a list names.
output "web_cpu_count" {
  value = length(provider::multikernel::cpulist_expand("4-7,10")) # 5
}

# One instance per CPU of a range, for example.
output "per_cpu_names" {
  value = [for cpu in provider::multikernel::cpulist_expand("2-3") : "worker-${cpu}"] # ["worker-2", "worker-3"]
}
