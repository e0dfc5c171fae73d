terraform {
  required_version = ">= 1.5"
  required_providers {
    multikernel = {
      source = "example.com/multikernel/multikernel"
    }
  }
}

locals {
  sim = jsondecode(file(var.hosts_file))

  # name => SSH address, interface generation and a kernel image path on that host.
  hosts = {
    for h in local.sim.hosts : h.name => {
      address    = "root@${h.address}:${h.port}"
      generation = h.generation
      kernel     = h.kernelImage
    }
  }
}

provider "multikernel" {
  private_key_file  = var.private_key_file
  known_hosts_files = [var.known_hosts_file]
}

# What each host shows: interface generation, boot id, CPUs, pool, instances.
data "multikernel_host" "all" {
  for_each = local.hosts
  host     = each.value.address
}
